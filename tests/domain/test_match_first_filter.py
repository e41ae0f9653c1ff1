"""The first filter of likely_duplicate: cheap checks that pass over a candidate neither the
rule nor the learned weights could accept. They must be necessary conditions (a pair either
way accepts always passes them), so the matcher's outcome is the one it had without them; and
they must turn away the common pair a popular key brings (a namesake at another company)."""

import random
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.dedupe import World, corrupted
from domain.matching.dedupe import (
    MatchRecord,
    _contradicted,
    _judge,
    _may_rule,
    _may_weigh,
    _org_evidence,
    _profile,
    blocking_keys,
    comparison,
    likely_duplicate,
)
from domain.matching.score import LEARNED


def _accepted_either_way(new: MatchRecord, old: MatchRecord) -> tuple[bool, bool]:
    """(the rule accepts the pair, the learned weights accept it), as likely_duplicate weighs them."""
    a, b = _profile(new), _profile(old)
    vector = comparison(new, old)
    weighed = LEARNED.weight(vector) >= LEARNED.threshold and not _contradicted(a, b, vector)
    return _judge(a, b) is not None, weighed


def _passes(new: MatchRecord, old: MatchRecord) -> tuple[bool, bool]:
    a, b = _profile(new), _profile(old)
    return _may_rule(a, b, _org_evidence(a, b)[0]), _may_weigh(a, b)


def _check(new: MatchRecord, old: MatchRecord) -> None:
    ruled, weighed = _accepted_either_way(new, old)
    may_rule, may_weigh = _passes(new, old)
    assert may_rule or not ruled, (new, old)
    assert may_weigh or not weighed, (new, old)


def _blocked_pairs(size: int, seed: int) -> list[tuple[MatchRecord, MatchRecord]]:
    """Pairs the blocking keys put together among the generator's people and corrupted copies
    of them (bench.dedupe, the import bench's own data)."""
    rng = random.Random(seed)
    world = World(rng, size)
    records = [person.record(i) for i, person in enumerate(world.people)]
    records += [corrupted(rng.choice(world.people), rng)[0].record(size + i) for i in range(size // 4)]
    index: defaultdict[str, list[MatchRecord]] = defaultdict(list)
    pairs = []
    for record in records:
        met = {old.id: old for key in blocking_keys(record) for old in index[key]}
        pairs += [(record, old) for old in met.values()]
        for key in blocking_keys(record):
            index[key].append(record)
    return pairs


def test_no_pair_either_way_accepts_is_turned_away_by_the_first_filter() -> None:
    pairs = _blocked_pairs(3000, seed=11)
    accepted = 0
    for new, old in pairs:
        _check(new, old)
        accepted += any(_accepted_either_way(new, old))
    assert accepted > 100  # the data had duplicates for the filter to keep


def test_the_first_filter_turns_away_most_of_what_blocking_brings() -> None:
    pairs = _blocked_pairs(3000, seed=12)
    turned_away = sum(not any(_passes(new, old)) for new, old in pairs)
    # a quarter among 3,750 records, most of them colleagues; nearer four in five at 60,000
    # leads, where popular name keys fill with namesakes (docs/benchmarks.md)
    assert turned_away > len(pairs) / 4


def test_a_namesake_at_another_company_with_another_email_is_turned_away() -> None:
    new = MatchRecord(2, "Dana Scully", "dana.scully@fbi.gov", None, "FBI")
    old = MatchRecord(1, "Dana Scully", "dscully@acme.com", None, "Acme Corp")
    assert _passes(new, old) == (False, False)
    assert likely_duplicate(new, [old]) is None


def test_a_pair_only_the_weights_accept_passes_the_filter() -> None:
    old = MatchRecord(1, "Darcy Webb", company="Bywaters Place Lake Munmorah")
    new = MatchRecord(2, "Darcy Webb", company="Bywaters Pilace Lake Mnunorah")
    assert _accepted_either_way(new, old)[1]
    assert _passes(new, old)[1]
    assert likely_duplicate(new, [old]) is not None


_NAMES = st.sampled_from(["Jon", "Jonathan", "J.", "Smith", "Smyth", "Dana", "Scully", "Mary", "Gary", "Ann"])
_COMPANIES = st.sampled_from(["", "Acme", "Acme Corp", "Acme Inc", "Acmee", "Northwind Traders", "FBI"])
_EMAILS = st.sampled_from(
    [
        "",
        "jon@acme.com",
        "j.smith@acme.com",
        "jsmith+x@acme.com",
        "info@acme.com",
        "dana@gmail.com",
        "x7@fbi.gov",
    ]
)
_PHONES = st.sampled_from(["", "+12025550143", "+12025550199"])


@st.composite
def _records(draw: st.DrawFn, record_id: int) -> MatchRecord:
    name = " ".join(draw(st.lists(_NAMES, min_size=1, max_size=3)))
    return MatchRecord(
        record_id, name, draw(_EMAILS) or None, draw(_PHONES) or None, draw(_COMPANIES) or None
    )


@settings(max_examples=400, deadline=None)
@given(_records(2), _records(1))
def test_the_first_filter_is_a_necessary_condition_on_any_pair(new: MatchRecord, old: MatchRecord) -> None:
    _check(new, old)
    found = likely_duplicate(new, [old])
    assert found is None or any(_passes(new, old))
