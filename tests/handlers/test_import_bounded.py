"""An import's memory does not grow with the file: the key index it keeps between batches is let
go past a bound and read again from the store, with the same outcome; report lines go out a
batch at a time; a file on disk is read a row at a time."""

import pytest
from import_support import OTHER_WORKSPACE, random_rows, rows, stored
from support import NOW

import handlers.importing.view as import_view
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.matching.compare import word_level
from domain.matching.profile import profile_of, word
from domain.permissions import system_actor
from handlers.context import Context
from handlers.importing.pipeline import SAMPLE_LINES, LeadsImported, import_leads
from handlers.importing.rows import ImportProblem, ImportRow, read_path
from handlers.importing.upkeep import FORGET_EVERY_ROWS, forget_match_caches
from store.unit_of_work import UowFactory

NEVER_FORK = 1 << 30


def context(config: LeadbotConfig, workspace: str) -> Context:
    return Context(system_actor(workspace, "import"), NOW, config)


def imported(
    uow_factory: UowFactory,
    config: LeadbotConfig,
    source: list[ImportRow],
    workspace: str,
    batch_rows: int = 9,
) -> LeadsImported:
    """The file imported into `workspace` in small batches, all in this process."""
    return import_leads(
        source, uow_factory(), context(config, workspace), batch_rows=batch_rows, pool_from=NEVER_FORK
    )


class Lets:
    """Each time an import let its key index go: how many keys it kept (those asked for again),
    and whether the keys let go were remembered as let go (the index was read whole)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kept: list[int] = []
        self.filtered: list[bool] = []
        real = import_view.Memory._let_go

        def counted(memory: import_view.Memory) -> None:
            real(memory)
            self.kept.append(len(memory.postings))
            self.filtered.append(memory.let_go is not None)

        monkeypatch.setattr(import_view.Memory, "_let_go", counted)

    @property
    def times(self) -> int:
        return len(self.kept)


@pytest.mark.parametrize(
    ("seed", "bound"), [(11, "MAX_KEPT_KEYS"), (12, "MAX_KEPT_KEYS"), (11, "MAX_KEPT_ENTRIES")]
)
def test_letting_the_key_index_go_between_batches_changes_no_outcome(
    uow_factory, config, monkeypatch, seed, bound
):
    source = rows(*random_rows(seed, 80))
    kept = imported(uow_factory, config, source, OTHER_WORKSPACE)
    lets = Lets(monkeypatch)
    monkeypatch.setattr(import_view, bound, 5)  # past a batch's keys: let go before each

    bounded = imported(uow_factory, config, source, CONSOLE_WORKSPACE)

    assert lets.times >= 5
    assert bounded == kept
    assert stored(uow_factory) == stored(uow_factory, OTHER_WORKSPACE)


# WHOLE_INDEX_FROM -1: the index is never read whole (as in a big workspace), each key read alone
@pytest.mark.parametrize("whole_from", [10, -1])
@pytest.mark.parametrize("seed", [11, 12])
def test_letting_go_only_the_keys_not_asked_for_again_changes_no_outcome(
    uow_factory, config, monkeypatch, seed, whole_from
):
    source = rows(*random_rows(seed, 120))
    kept = imported(uow_factory, config, source, OTHER_WORKSPACE)
    lets = Lets(monkeypatch)
    monkeypatch.setattr(import_view, "WHOLE_INDEX_FROM", whole_from)
    monkeypatch.setattr(import_view, "MAX_KEPT_KEYS", 60)  # past it every few batches, half kept

    bounded = imported(uow_factory, config, source, CONSOLE_WORKSPACE)

    assert len(lets.kept) >= 3 and any(lets.kept)  # let go in part
    assert all(lets.filtered) == (whole_from > 0)
    assert bounded == kept
    assert stored(uow_factory) == stored(uow_factory, OTHER_WORKSPACE)


@pytest.mark.parametrize("whole_from", [10, -1])
def test_a_likely_duplicate_of_a_lead_whose_keys_were_let_go_is_still_found(
    uow_factory, config, monkeypatch, whole_from
):
    others = [
        {"name": f"{first} {last}", "company": company}
        for first, last, company in [
            ("Dana", "Scully", "FBI"),
            ("Walter", "Skinner", "Initech"),
            ("Monica", "Reyes", "Globex"),
            ("Fox", "Mulder", "Hooli"),
            ("Jeffrey", "Spender", "Umbrella"),
            ("John", "Doggett", "Vandelay"),
        ]
    ]
    source = rows(
        {"name": "Jonathan Smithers", "company": "Acme Corporation"},
        *others,
        {"name": "Jon Smithers", "company": "ACME Corp."},
    )
    lets = Lets(monkeypatch)
    monkeypatch.setattr(import_view, "WHOLE_INDEX_FROM", whole_from)
    monkeypatch.setattr(import_view, "MAX_KEPT_KEYS", 5)  # past it after every batch

    result = imported(uow_factory, config, source, CONSOLE_WORKSPACE, batch_rows=2)

    assert len(lets.kept) >= 3  # the first lead's keys went at the first let-go
    assert result.duplicates == 1
    assert result.problems[-1].outcome == "duplicate"
    assert result.problems[-1].reason.startswith("Likely duplicate of L-1:")


@pytest.mark.parametrize(("seed", "per_key"), [(11, 3), (12, 3), (11, 1)])
def test_reading_only_the_oldest_leads_of_each_key_changes_no_outcome(
    uow_factory, config, monkeypatch, seed, per_key
):
    source = rows(*random_rows(seed, 120))
    monkeypatch.setattr(import_view, "candidates_per_key", lambda key: 2)  # the oldest two of a key
    kept = imported(uow_factory, config, source, OTHER_WORKSPACE)
    cuts, again = [], []
    real_read, real_again = import_view.Memory.read, import_view.Memory.read_again

    def read(memory: import_view.Memory, *args: object) -> None:
        real_read(memory, *args)
        cuts.append(len(memory.cut))

    def read_again(memory: import_view.Memory, key: str) -> None:
        again.append(key)
        real_again(memory, key)

    monkeypatch.setattr(import_view.Memory, "read", read)
    monkeypatch.setattr(import_view.Memory, "read_again", read_again)
    monkeypatch.setattr(import_view, "MAX_KEPT_KEYS", 5)  # read from the store before each batch...
    # ...and only the oldest few of each key; one is fewer than a check takes, so every key read
    # in part turns out short once the batch looks at it
    monkeypatch.setattr(import_view, "kept_per_key", lambda key: per_key)

    bounded = imported(uow_factory, config, source, CONSOLE_WORKSPACE)

    assert max(cuts) > 0  # keys were read in part
    assert again or per_key > 1  # found short, read whole, their batch decided again
    assert bounded == kept
    assert stored(uow_factory) == stored(uow_factory, OTHER_WORKSPACE)


def test_a_dry_run_keeps_what_it_would_have_written(uow_factory, config, monkeypatch):
    source = rows(*random_rows(13, 40))
    lets = Lets(monkeypatch)
    monkeypatch.setattr(import_view, "MAX_KEPT_KEYS", 5)

    dry = import_leads(source, uow_factory(), context(config, CONSOLE_WORKSPACE), batch_rows=9, dry_run=True)
    real = import_leads(source, uow_factory(), context(config, OTHER_WORKSPACE), batch_rows=9)

    assert (dry.created, dry.updated, dry.duplicates, dry.rejected) == (
        real.created,
        real.updated,
        real.duplicates,
        real.rejected,
    )
    assert lets.times >= 1  # the real import let go; the dry run could not


def test_report_lines_go_out_a_batch_at_a_time_in_row_order(uow_factory, config):
    source = rows(*random_rows(14, 60))
    whole = import_leads(source, uow_factory(), context(config, OTHER_WORKSPACE), batch_rows=8)
    told: list[list[ImportProblem]] = []

    streamed = import_leads(
        source,
        uow_factory(),
        context(config, CONSOLE_WORKSPACE),
        batch_rows=8,
        report=lambda lines: told.append(list(lines)),
    )

    assert len(told) == len(range(0, 60, 8))  # one call a batch
    assert [line for lines in told for line in lines] == list(whole.problems)  # the same lines, in order
    needing_a_look = [p for p in whole.problems if p.outcome not in ("created", "updated")]
    assert list(streamed.problems) == needing_a_look[:SAMPLE_LINES]  # only a sample is kept
    assert (streamed.rejected, streamed.warnings, streamed.notable) == (
        whole.rejected,
        whole.warnings,
        len(needing_a_look),
    )


def test_a_csv_on_disk_in_a_legacy_encoding_is_read_a_row_at_a_time(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("Name;Email;Company\nRené Müller;rene@firma.de;Société Générale\n".encode("cp1252"))

    layout, found = read_path(path)
    [row] = list(found)

    assert (layout.encoding, layout.rows) == ("cp1252", 1)
    assert dict(row.values) == {
        "name": "René Müller",
        "email": "rene@firma.de",
        "company": "Société Générale",
    }


def test_the_match_caches_are_emptied_each_time_the_rows_pass_a_multiple_of_the_period() -> None:
    def held() -> int:
        profile_of("Dana Scully", "dana@fbi.gov", None, "FBI")
        word_level(word("dana"), word("fox"))
        return profile_of.cache_info().currsize + word_level.cache_info().currsize

    period = FORGET_EVERY_ROWS
    forget_match_caches()
    assert held() == 2

    forget_match_caches(period + 2, 2 * period - 1)  # a batch within one period: kept
    assert profile_of.cache_info().currsize + word_level.cache_info().currsize == 2
    forget_match_caches(2 * period - 10, 2 * period + 5)  # a batch across its end: emptied
    assert profile_of.cache_info().currsize + word_level.cache_info().currsize == 0
    assert held() == 2
    forget_match_caches()  # the import is over
    assert profile_of.cache_info().currsize + word_level.cache_info().currsize == 0
