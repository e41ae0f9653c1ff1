"""The predictive score against Odoo's naive Bayes: AUC and Brier score on a history with a known signal.

# A workspace's closed leads are drawn from a logistic model we write down (TRUE_* below):
# main effects of source, title seniority, product, email kind, phone; per-team differences
# (NA values referrals less, APAC partners more, SMB does not mind free-mail addresses);
# interactions naive Bayes cannot represent (Enterprise sells to VPs and C-levels, not to
# staff; webinars work in DE/FR/NL, not in the US); a campaign that only repeats its source
# (naive Bayes counts that twice); an unobserved interest that drives both the outcome and the
# logged calls, emails and meetings (correlated, noisy proxies); and noise. Leads are real
# `domain.lead.Lead`s turned into features by `domain.scoring.predictive.features`, as in the app.
# Both models train on the same split and are scored on the same held-out leads.
#
#   .venv/bin/python -m bench.scoring [--leads 20000] [--seeds 7,8,9] [--curve 30,100,300,500,1000,3000]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from bench.import_leads import machine as base_machine
from domain.lead import Lead
from domain.scoring.logistic import fit_logistic
from domain.scoring.naive_bayes import fit_naive_bayes
from domain.scoring.predictive import Engagement, Example, features

TEAMS = {"emea": 0.30, "na": 0.35, "apac": 0.15, "smb": 0.20}
COUNTRIES = {
    "emea": ["DE", "FR", "GB", "NL", "ES"],
    "na": ["US", "US", "US", "CA"],
    "apac": ["AU", "JP", "SG", "IN"],
    "smb": ["US", "GB", "DE", "AU", "CA", "FR"],
}
SOURCES = {
    "referral": 1.0,
    "partner": 0.5,
    "webinar": 0.2,
    "web form": 0.0,
    "trade fair": 0.0,
    "ads": -0.4,
    "cold call": -0.8,
}
CAMPAIGNS = {
    "webinar": ["q3-webinars", "product-webinar"],
    "ads": ["spring-launch", "retargeting"],
    "trade fair": ["expo-2026"],
}
TITLES = {
    "c-level": (["CEO", "Chief Revenue Officer", "Founder"], 0.4),
    "vp": (["VP Sales", "Vice President Operations"], 0.5),
    "director": (["Director of IT", "Head of Marketing"], 0.3),
    "manager": (["Sales Manager", "Team Lead"], 0.0),
    "staff": (["Engineer", "Buyer", "Analyst"], -0.3),
    "none": ([""], -0.5),
}
PRODUCTS = {"Enterprise": -0.3, "Team": 0.2, "Starter": 0.1, "": -0.2}
TRUE_BASE = -1.0
TRUE_TEAM = {"emea": 0.3, "na": 0.0, "apac": -0.4, "smb": -0.2}
TRUE_INTEREST = 0.9
TRUE_NOISE = 0.5
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def true_log_odds(team: str, lead: Lead, band: str, interest: float, rng: random.Random) -> float:
    """The signal the models should find (everything here is invisible to them but the lead)."""
    email = "none" if not lead.email else "free" if lead.email.endswith("@gmail.com") else "company"
    z = TRUE_BASE + TRUE_TEAM[team] + SOURCES[lead.source or ""] + TITLES[band][1]
    z += PRODUCTS[lead.product or ""] + (0.2 if lead.phone else 0.0)
    z += {"company": 0.3, "free": 0.0 if team == "smb" else -0.5, "none": -0.3}[email]
    if lead.product == "Enterprise":
        z += 1.4 if band in ("c-level", "vp") else -0.8 if band == "staff" else 0.0
    if lead.source == "webinar":
        z += 1.0 if lead.country in ("DE", "FR", "NL") else -0.6 if lead.country == "US" else 0.0
    z += -0.8 if (team, lead.source) == ("na", "referral") else 0.0
    z += 1.0 if (team, lead.source) == ("apac", "partner") else 0.0
    return z + TRUE_INTEREST * interest + rng.gauss(0, TRUE_NOISE)


def draw(rng: random.Random, number: int) -> tuple[Example, float]:
    """One closed lead and its true conversion probability."""
    team = rng.choices(list(TEAMS), weights=list(TEAMS.values()))[0]
    source = rng.choice(list(SOURCES))
    band = rng.choices(list(TITLES), weights=[1, 1.5, 2, 3, 4, 2])[0]
    free = rng.random() < (0.5 if team == "smb" else 0.15)
    email = None if rng.random() < 0.05 else f"p{number}@{'gmail.com' if free else f'co{number % 400}.com'}"
    lead = Lead(
        team_id="T1",
        name=f"Person {number}",
        created_at=NOW,
        created_by="U1",
        email=email,
        phone="+15550100" if rng.random() < 0.7 else None,
        source=source,
        campaign=rng.choice(CAMPAIGNS.get(source, [""])) or None,
        country=rng.choice(COUNTRIES[team]),
        product=rng.choice(list(PRODUCTS)) or None,
        title=rng.choice(TITLES[band][0]) or None,
        sales_team=team,
    )
    interest = rng.gauss(0, 1)
    closed_at = NOW - timedelta(days=rng.randrange(365))
    engagement = Engagement(
        calls=_poisson(rng, math.exp(0.3 + 0.4 * interest)),
        emails=_poisson(rng, math.exp(0.5 + 0.3 * interest)),
        meetings=_poisson(rng, math.exp(-1.0 + 0.6 * interest)),
        last_touch=closed_at - timedelta(days=rng.expovariate(1 / math.exp(3 - 0.5 * interest))),
    )
    p = 1 / (1 + math.exp(-true_log_odds(team, lead, band, interest, rng)))
    won = rng.random() < p
    return Example(features(lead, engagement, closed_at), team, won), p


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count, total = count + 1, total + rng.expovariate(1.0)
    return count


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Probability that a random converted lead outranks a random lost one (ties count half)."""
    order = np.argsort(np.asarray(scores), kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = np.asarray(scores)[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positive = np.asarray(labels, dtype=bool)
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(scores: Sequence[float], labels: Sequence[bool]) -> float:
    return float(np.mean((np.asarray(scores) - np.asarray(labels, dtype=float)) ** 2))


Fit = Callable[[list[Example]], Callable[[Example], float]]
VARIANTS: dict[str, Fit] = {
    "naive Bayes, all teams": lambda train: _nb(train, min_team=10**9),
    "naive Bayes, per team with fallback (Odoo, the baseline)": lambda train: _nb(train, min_team=30),
    "logistic, values only": lambda train: _lr(train, pairs=False, min_team=10**9),
    "logistic, values + team pooling": lambda train: _lr(train, pairs=False, min_team=30),
    "logistic, values + pairs + team pooling (Leadbot)": lambda train: _lr(train, pairs=True, min_team=30),
}
BASELINE = "naive Bayes, per team with fallback (Odoo, the baseline)"
OURS = "logistic, values + pairs + team pooling (Leadbot)"


def _nb(train: list[Example], min_team: int) -> Callable[[Example], float]:
    model = fit_naive_bayes(train, min_team=min_team)
    return lambda e: model.predict(e.features, e.team).probability


def _lr(train: list[Example], pairs: bool, min_team: int) -> Callable[[Example], float]:
    model = fit_logistic(train, min_team=min_team, pairs=pairs)
    return lambda e: model.predict(e.features, e.team).probability


def evaluate(train: list[Example], test: list[Example], name: str) -> tuple[float, float, float]:
    start = time.perf_counter()
    predict = VARIANTS[name](train)
    seconds = time.perf_counter() - start
    scores = [predict(e) for e in test]
    labels = [e.won for e in test]
    return auc(scores, labels), brier(scores, labels), seconds


def history(leads: int, seed: int) -> tuple[list[Example], list[Example], list[float]]:
    """A shuffled history split 75/25, and the true probabilities of the held-out quarter."""
    rng = random.Random(seed)
    drawn = [draw(rng, i) for i in range(leads)]
    cut = leads * 3 // 4
    return [e for e, _ in drawn[:cut]], [e for e, _ in drawn[cut:]], [p for _, p in drawn[cut:]]


def main_table(args: argparse.Namespace) -> list[str]:
    lines = ["| model | AUC | Brier | fit s |", "| --- | --- | --- | --- |"]
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in VARIANTS}
    oracle: list[tuple[float, float]] = []
    for seed in args.seeds:
        train, test, truth = history(args.leads, seed)
        labels = [e.won for e in test]
        oracle.append((auc(truth, labels), brier(truth, labels)))
        for name in VARIANTS:
            results[name].append(evaluate(train, test, name))
    for name, runs in results.items():
        lines.append(
            f"| {name} | {_spread([r[0] for r in runs])} | {_spread([r[1] for r in runs])} "
            f"| {statistics.mean(r[2] for r in runs):.2f} |"
        )
    lines.append(
        f"| the true probabilities (ceiling) | {_spread([o[0] for o in oracle])} "
        f"| {_spread([o[1] for o in oracle])} | - |"
    )
    gains = [(o[0] - b[0], o[1] - b[1]) for o, b in zip(results[OURS], results[BASELINE], strict=True)]
    auc_gains, brier_gains = (", ".join(f"{g[i]:+.4f}" for g in gains) for i in (0, 1))
    lines.append(f"\nLeadbot minus the baseline, seed by seed: AUC {auc_gains}; Brier {brier_gains}")
    return lines


def curve_table(args: argparse.Namespace) -> list[str]:
    """Small histories: a workspace starts being scored at 30 closed leads."""
    lines = [
        "| closed leads trained on | baseline AUC | Leadbot AUC | baseline Brier | Leadbot Brier "
        "| Leadbot wins (AUC) | Leadbot fit ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows: dict[int, list[tuple[float, float, float, float, float]]] = {size: [] for size in args.curve}
    for run in range(args.curve_runs):
        train, test, _ = history(args.leads, 1000 + run)
        for size in args.curve:
            base, ours = evaluate(train[:size], test, BASELINE), evaluate(train[:size], test, OURS)
            rows[size].append((base[0], ours[0], base[1], ours[1], ours[2] * 1000))
    for size, runs in rows.items():
        wins = sum(1 for r in runs if r[1] > r[0])
        lines.append(
            f"| {size:,} | {_spread([r[0] for r in runs])} | {_spread([r[1] for r in runs])} "
            f"| {_spread([r[2] for r in runs])} | {_spread([r[3] for r in runs])} "
            f"| {wins} of {len(runs)} | {statistics.median(r[4] for r in runs):.0f} |"
        )
    return lines


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seeds", type=lambda s: [int(x) for x in s.split(",")], default=[7, 8, 9])
    parser.add_argument(
        "--curve", type=lambda s: [int(x) for x in s.split(",")], default=[30, 100, 300, 500, 1000, 3000]
    )
    parser.add_argument("--curve-runs", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"Machine: {base_machine()}, numpy {np.__version__}")
    print(f"{args.leads:,} closed leads per history, 75% trained on, 25% held out; seeds {args.seeds}\n")
    print("\n".join(main_table(args)))
    print(f"\nSmall histories (first N of the training quarter; {args.curve_runs} histories, seeds 1000+):\n")
    print("\n".join(curve_table(args)))
    print(f"\nTook {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
