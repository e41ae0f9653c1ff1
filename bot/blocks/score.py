"""`/lead score` (why a lead has its score) and the "ready for sales" card of a lead crossing SQL."""

from typing import Any

from bot.blocks.lead_card import headline, safe_join
from bot.blocks.outbox import lead_line, lead_notice
from bot.blocks.text import SlackMessage, safe, section, user, when
from domain.delivery.messages import ReadyForSales
from domain.scoring.rules import Contribution, ScoreBreakdown, ScoreChange, Stage, StageReached
from handlers.results import ScoreExplained

RULE_NAME_LIMIT = 80
REASON_LIMIT = 200


def score_message(result: ScoreExplained) -> SlackMessage:
    total = result.breakdown.total
    text = f"{headline(result.lead)}: score *{total}*"
    blocks = [
        section(text),
        section(standing(result)),
        section(safe_join("*Why*\n" + "\n".join(why_lines(result.breakdown, result.half_life_days)))),
        section(safe_join("*History*\n" + "\n".join(history_lines(result.history)))),
    ]
    return SlackMessage(text=f"{result.lead.ref} score {total}", blocks=blocks)


def standing(result: ScoreExplained) -> str:
    """Where the lead stands against the thresholds, and when it crossed them."""
    total = result.breakdown.total
    mql = _threshold("MQL", result.mql, total, result.reached.mql_at)
    sql = _threshold("SQL", result.sql, total, result.reached.sql_at)
    stage = _stage_words(result.reached)
    note = ""
    if result.lead.status in ("converted", "lost"):
        note = "\n_Closed leads keep the score they had at the close._"
    return f"*Stands:* {stage}\n{mql}\n{sql}{note}"


def why_lines(breakdown: ScoreBreakdown, half_life_days: float) -> list[str]:
    lines = [_contribution(part) for part in breakdown.contributions]
    lines += [
        f"{_points(-cap.cut)} {safe(cap.group, 40)} held to its cap of {cap.cap}" for cap in breakdown.capped
    ]
    if breakdown.decay >= 0.05:
        lines.append(
            f"Decay so far: {_points(-breakdown.decay)} (engagement halves every {half_life_days:g} days)"
        )
    return lines or ["No rule applies yet: nothing known about this lead earns points."]


def history_lines(history: tuple[ScoreChange, ...]) -> list[str]:
    lines = [
        f"{when(c.at)} {c.before} → {c.after} ({c.after - c.before:+d}) {safe(c.reason, REASON_LIMIT)}"
        for c in history
    ]
    return lines or ["No changes yet."]


def _contribution(part: Contribution) -> str:
    times = f" ×{part.times}" if part.times > 1 else ""
    faded = f", {_points(part.undecayed)} before decay" if abs(part.undecayed - part.points) >= 0.05 else ""
    return (
        f"{_points(part.points)} {safe(part.rule, RULE_NAME_LIMIT)}{times} _({safe(part.group, 40)}{faded})_"
    )


def _threshold(name: str, threshold: int, total: int, crossed_at: Any) -> str:
    if crossed_at is not None:
        return f"✅ {name} {threshold}: crossed {when(crossed_at)}"
    if total >= threshold:
        return f"✅ {name} {threshold}: reached"
    return f"▫️ {name} {threshold}: {threshold - total} to go"


def _stage_words(reached: StageReached) -> str:
    return {
        Stage.LEAD: "a lead (below MQL)",
        Stage.MQL: "marketing qualified (MQL)",
        Stage.SQL: "sales qualified (SQL): handed to sales",
    }[reached.stage]


def _points(value: float) -> str:
    rounded = round(value)
    return f"{rounded:+d}" if abs(value - rounded) < 0.05 else f"{value:+.1f}"


def ready_for_sales(ready: ReadyForSales) -> SlackMessage:
    """The team channel's card for a lead whose score crossed SQL (posted once per lead and cycle)."""
    owner = f" Owner: {user(ready.owner)}." if ready.owner else " Nobody owns it yet."
    text = f"🔥 Ready for sales: {lead_line(ready.lead)}, score {ready.score} (SQL {ready.sql}).{owner}"
    return lead_notice(text, ready.lead)
