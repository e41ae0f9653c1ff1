"""The filters of `/lead list`: read from key:value pairs, written back as the same text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.book.filters import Age, LeadFilter, Sort, Span, parse_filter
from domain.capture.countries import country_terms
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus


def read(text: str) -> LeadFilter:
    return parse_filter([tuple(word.split(":", 1)) for word in text.split()])  # type: ignore[misc]


def test_several_values_with_commas_and_repeated_keys_add_up():
    found = read("status:new,Contacted status:lost score:>40,<20,20..60 sort:stale")
    assert found.statuses == (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.LOST)
    assert found.scores == (Span(41, None), Span(None, 19), Span(20, 60))
    assert found.sort is Sort.STALE


def test_stale_days_mean_at_least_that_long_and_created_days_at_most():
    assert read("stale:14d").stale == Age(14, older=True)
    assert read("created:7d").created == Age(7, older=False)
    assert read("created:>30d").created == Age(30, older=True)
    assert read("created:2026-12").created.bounds()[1].isoformat() == "2027-01-01T00:00:00+00:00"
    assert read("created:2026-3").text() == "created:2026-03"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("statu:new", "Did you mean `status:`"),
        ("status:nwe", "Did you mean `status:new`"),
        ("tag:-hot", "cannot be a tag"),
        ("industry:fintech", "`industry:` is not a list filter"),
        ("score:60..20", "runs backwards"),
        ("created:week", "not a number of days"),
        ("owner:ann", "not an owner"),
        ("stage:lead", "Use one of: mql, sql"),
        ("sort:score,created", "takes one value"),
    ],
)
def test_a_bad_filter_is_named_with_how_to_write_it(text, said):
    with pytest.raises(InvalidInput, match=None) as raised:
        read(text)
    assert said in str(raised.value)


def test_countries_by_code_name_or_region():
    regions = {"EMEA": ("DE", "France")}
    assert country_terms(["emea"], regions) == ("de", "fr", "france", "germany")
    assert country_terms(["gb"], {}) == ("gb", "united kingdom")
    with pytest.raises(InvalidInput, match="Atlantis"):
        country_terms(["Atlantis"], regions)


words = st.text(alphabet="abcdefgh xyz", min_size=1, max_size=12).filter(lambda w: w.strip(" ") == w and w)


@given(
    statuses=st.lists(st.sampled_from(list(LeadStatus)), unique=True, max_size=3),
    sources=st.lists(words, unique=True, max_size=3),
    low=st.integers(0, 50),
    width=st.integers(0, 50),
    sort=st.sampled_from(list(Sort)),
)
def test_a_filter_written_as_text_reads_back_the_same(statuses, sources, low, width, sort):
    wanted = LeadFilter(
        statuses=tuple(statuses), sources=tuple(sources), scores=(Span(low, low + width),), sort=sort
    )
    pairs = [(key, value) for key, value in wanted.pairs()]
    assert parse_filter(pairs) == wanted
