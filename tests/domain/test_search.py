"""Fuzzy lead search: what a rep half-remembers finds the lead, best match first."""

from domain.book.search import rank, search_text

SCULLY, MULDER, SKINNER, KATZ = 1, 2, 3, 4
CORPUS = {
    SCULLY: search_text("Dana Scully", "FBI", "dana@fbi.gov"),
    MULDER: search_text("Fox Mulder", "FBI", "fox@fbi.gov"),
    SKINNER: search_text("Walter Skinner", "Acme Corp", "walter@acme.io"),
    KATZ: search_text("Dana Katz", "Initech", "dana.katz@initech.com"),
}


def keys(query: str, limit: int = 10) -> list[int]:
    return [key for key, _ in rank(query, CORPUS, limit)]


def test_search_text_joins_the_parts_that_exist() -> None:
    assert search_text("Dana", None, "d@x.io") == "Dana d@x.io"


def test_a_partial_name_finds_the_lead() -> None:
    assert keys("scul") == [SCULLY]


def test_a_company_finds_its_leads() -> None:
    assert keys("acme") == [SKINNER]
    assert set(keys("fbi")) == {SCULLY, MULDER}


def test_an_email_domain_finds_the_lead() -> None:
    assert keys("initech.com") == [KATZ]


def test_a_typo_still_finds_the_lead() -> None:
    assert keys("Walter Skiner") == [SKINNER]


def test_the_best_match_comes_first() -> None:
    assert keys("Dana Scully")[0] == SCULLY
    assert keys("Dana Sculy")[0] == SCULLY  # a typo ranks the right Dana above the other one


def test_scores_come_best_first() -> None:
    scores = [score for _, score in rank("dana", CORPUS, 10)]
    assert scores == sorted(scores, reverse=True)


def test_equal_matches_list_the_newest_first() -> None:
    assert keys("fbi") == [MULDER, SCULLY]


def test_the_limit_is_respected() -> None:
    assert len(keys("dana", limit=1)) == 1
    assert len(rank("acme", {n: f"Lead {n} Acme" for n in range(1, 40)}, 5)) == 5


def test_nothing_matching_gives_nothing() -> None:
    assert keys("zzqqxx") == []
    assert rank("dana", {}, 10) == []


def test_a_name_typed_without_its_accents_finds_the_lead_and_with_them_too() -> None:
    corpus = {
        1: search_text("Zoë Ångström", "Volvo AB", None),
        2: search_text("Jürgen Müller", "Berliner Straßenbau", None),
        3: search_text("Łukasz Żółć", None, None),
        4: search_text("山田 ガク", None, None),
    }
    for query, lead in [("angstrom", 1), ("Ångström", 1), ("muller", 2), ("strassenbau", 2), ("lukasz", 3)]:
        assert [key for key, _ in rank(query, corpus, 5)] == [lead], query
    assert [key for key, _ in rank("ガク", corpus, 5)] == [4]  # other scripts keep their marks


def test_search_text_folds_latin_accents_only() -> None:
    assert search_text("Zoë Ångström", "Straße", None) == "Zoe Angstrom Strasse"
    assert search_text("Йошкар", "ガギグ", None) == "Йошкар ガギグ"
