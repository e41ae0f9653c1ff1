"""What an import sees of its workspace. Per batch, the live leads holding one of the batch's
identifiers (read fresh, and locked until the batch commits). Across batches, the blocking-key
index as far as the import has needed it: each key is read once, then kept current with what
the import itself writes, because reading the same popular keys again for every batch cost
more than everything else together."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from heapq import nsmallest

from domain.capture.contact import Contact
from domain.capture.recapture import IDENTITY_FIELDS, absorb, is_phone_of, match_record
from domain.lead import Lead, lead_ref
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import MatchRecord, blocking_keys, candidates_per_key
from domain.matching.identity import phone_identifies
from handlers.importing.key_filter import KeyFilter
from store.importing.bulk import BulkLeads, Postings

# Ids for leads not written yet: above every real id, as a newer lead's would be, so ties in
# the duplicate rule still go to the older lead.
PROVISIONAL_ID = 1 << 62
# An index of up to this many times a batch's keys is read whole: a row of a plain scan costs
# a small part of an index lookup, and every later batch then reads no keys at all.
WHOLE_INDEX_FROM = 10
# The key index kept between batches grows by about four keys a row written (some 2.5 KB a row
# with the records; this bound is about 25,000 rows' worth, 60 MB): past it the keys no batch
# asked for again are let go (Memory._let_go), and the next batches read again from the store
# those they meet. A file of any length then keeps the import's memory bounded, and the popular
# keys stay.
MAX_KEPT_KEYS = 100_000
# ...or past this many (key, lead) entries: keys read in part hold up to kept_per_key leads
# each, so a bound on keys alone let the index grow with the workspace.
MAX_KEPT_ENTRIES = 250_000
SAME_PERSON_ORDER = ("external_id", "email", "phone")  # as handlers.matching.duplicates.same_person asks
# one live lead each; a phone may be shared (domain.matching.identity)
UNIQUE_IDENTIFIERS = SAME_PERSON_ORDER[:2]
assert set(SAME_PERSON_ORDER) == set(IDENTITY_FIELDS)

_NOBODY: frozenset[int] = frozenset()
Incoming = Sequence[tuple[Lead, frozenset[str]]]
Values = dict[str, set[str]]
Change = tuple[Lead, frozenset[str], frozenset[str]]  # a lead, its keys before and after


def kept_per_key(key: str) -> int:
    """How many of a key's leads, the oldest, a read from the store (not the whole index)
    brings. A check takes the oldest few, and the rest of a popular key (thousands of leads in
    a big workspace, a batch's keys reaching half of all leads) cost memory and time growing
    with the workspace. Twice as many as a check takes leaves room for the leads a batch takes
    off a key; a key left with too few is read whole and the batch decided again (ShortKey)."""
    return 2 * candidates_per_key(key)


class ShortKey(Exception):
    """A key read in part has, after this batch's changes, fewer of its oldest leads than a
    check takes: the import reads it whole and decides the batch again."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Clash:
    """A row bringing an identifier that another lead holds."""

    field: str
    value: str
    holder: Lead | int  # a live lead, or the number of a merged one
    known: tuple[Lead, str] | None  # the lead the row is about, and the field that says so

    def reason(self) -> str:
        """Worded once every lead has its number."""
        if isinstance(self.holder, int):
            whose = f"{lead_ref(self.holder)}'s (merged)"
        else:
            whose = f"{self.holder.ref}'s"
        said = f"The {_label(self.field)} {self.value} is already {whose}"
        if self.known is None:
            return f"{said}."
        lead, matched_on = self.known
        return f"{said}, but the {_label(matched_on)} is {lead.ref}'s: a row can update one lead only."


class Memory:
    """What the import keeps between batches: the key index it has read, and in a dry run the
    leads that earlier batches would have written."""

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = {}  # key -> live lead ids: complete for each key held...
        self.cut: dict[str, int] = {}  # ...but these, read in part: every live lead up to this id
        self.read_whole: set[str] = set()  # keys a batch found short (ShortKey): never read in part
        self.entries = 0  # (key, lead) entries held, about: for the bound
        self.whole: bool | None = None  # every key is held or let go (unknown until the first batch)
        self.let_go: KeyFilter | None = None  # whole: the keys let go, read from the store if met
        self.asked_again: set[str] = set()  # keys held that a batch asked for: kept at a let-go
        self.records: dict[int, MatchRecord] = {}
        self.numbers: dict[int, int] = {}
        self.cycles: dict[int, int] = {}  # contact id -> the last cycle this import gave one of their leads
        self.next_id = PROVISIONAL_ID
        self.created = 0  # dry run: leads created, for would-be numbers
        self.unwritten: dict[int, Lead] = {}  # dry run: leads created or changed, as they would be
        self._filed: dict[int, frozenset[str]] = {}  # dry run: their keys
        self._filed_under: defaultdict[str, set[int]] = defaultdict(set)
        self._holders: defaultdict[tuple[str, str], set[int]] = defaultdict(set)

    def read(self, bulk: BulkLeads, team_id: str, keys: Iterable[str]) -> None:
        """Learn the keys not read yet. The store's filing of an unwritten lead is out of date.
        A workspace whose whole index is not much bigger than a batch's keys is read whole,
        once: every key of a file then costs a lookup in memory instead of one in the store,
        and once some keys are let go, only those are read again."""
        if (len(self.postings) > MAX_KEPT_KEYS or self.entries > MAX_KEPT_ENTRIES) and not self.unwritten:
            self._let_go()
        missing = []
        for key in keys:
            if key in self.postings:
                self.asked_again.add(key)
            else:
                missing.append(key)
        if self.whole:  # a key neither held nor let go is filed under no lead
            missing = [key for key in missing if self.let_go is not None and key in self.let_go]
        if not missing:
            return
        if self.whole is None:
            self.whole = bulk.filed_keys(team_id) <= WHOLE_INDEX_FROM * len(missing)
            if self.whole:
                self._learn(bulk.postings(team_id, None), missing)
                return
        by_size: defaultdict[int | None, list[str]] = defaultdict(list)  # None: read whole
        for key in missing:
            by_size[None if key in self.read_whole else kept_per_key(key)].append(key)
        found = Postings([], {})
        for oldest, some in by_size.items():
            found.add(bulk.postings(team_id, some, oldest))
        self.cut.update(found.cut)
        self._learn(found, missing)

    def _learn(self, found: Postings, missing: list[str]) -> None:
        for key in {key for key, _ in found.filed} | set(missing):  # all of them, read whole
            self.postings.setdefault(key, set(self._filed_under.get(key, ())))
        for key, lead_id in found.filed:
            if lead_id not in self._filed:
                self.postings[key].add(lead_id)
        self.entries += len(found.filed)
        for lead_id, (number, record) in found.leads.items():
            self.records.setdefault(lead_id, record)
            self.numbers.setdefault(lead_id, number)

    def holding(self, values: Values) -> list[Lead]:
        """Unwritten leads holding one of these identifiers."""
        ids: set[int] = set()
        for field, wanted in values.items():
            for value in wanted:
                ids.update(self._holders.get((field, value), ()))
        return [self.unwritten[i] for i in sorted(ids)]

    def remember(self, view: "View", changes: Iterable[Change], *, written: bool) -> None:
        """A batch's leads, once saved (or, in a dry run, decided)."""
        self.next_id = view.next_id
        for lead, before, after in changes:
            assert lead.id is not None
            for key in before - after:
                self.postings.get(key, set()).discard(lead.id)
            self.entries += len(after)
            for key in after:
                if key in self.postings:
                    self.postings[key].add(lead.id)
                elif self.whole and (self.let_go is None or key not in self.let_go):
                    self.postings[key] = {lead.id}  # a key new to the workspace
            self.records[lead.id] = match_record(lead)
            self.numbers[lead.id] = lead.number
            if lead.contact_id is not None:
                self.cycles[lead.contact_id] = max(self.cycles.get(lead.contact_id, 0), lead.cycle)
            if not written:
                self._keep_unwritten(lead, after)

    def _let_go(self) -> None:
        """Forget the keys of the index no batch asked for again since they were read (most are
        a row's own, never met again), and the leads only they held, before a batch reads its
        keys: the store has all of it (every lead remembered was written), and later batches
        read again what they need. The keys asked for again are kept (the popular ones, whose
        reads cost the most), unless they alone are over half the bound: then all go. A dry
        run keeps everything: the store has none of its leads."""
        kept = {key: self.postings[key] for key in self.asked_again if key in self.postings}
        entries = sum(map(len, kept.values()))
        if len(kept) > MAX_KEPT_KEYS // 2 or entries > MAX_KEPT_ENTRIES // 2:
            kept, entries = {}, 0
        if self.whole:  # a key not held is then known to be filed under no lead unless let go
            let_go = self.let_go = self.let_go or KeyFilter()
            for key in self.postings.keys() - kept.keys():
                let_go.add(key)
        leads = set().union(*kept.values())
        self.records = {lead_id: self.records[lead_id] for lead_id in leads}
        self.numbers = {lead_id: self.numbers[lead_id] for lead_id in leads}
        self.cut = {key: cut for key, cut in self.cut.items() if key in kept}
        self.postings, self.entries, self.asked_again = kept, entries, set()

    def read_again(self, key: str) -> None:
        """A key read in part that a batch found short (ShortKey): read whole from now on."""
        self.read_whole.add(key)
        self.postings.pop(key, None)
        self.cut.pop(key, None)
        if self.whole:
            assert self.let_go is not None  # only a key let go is read in part
            self.let_go.add(key)

    def _keep_unwritten(self, lead: Lead, keys: frozenset[str]) -> None:
        assert lead.id is not None
        for key in self._filed.get(lead.id, frozenset()) - keys:
            self._filed_under[key].discard(lead.id)
        for key in keys:
            self._filed_under[key].add(lead.id)
        for field in SAME_PERSON_ORDER:
            if value := getattr(lead, field):
                self._holders[(field, value)].add(lead.id)
        self.unwritten[lead.id], self._filed[lead.id] = lead, keys


class View:
    """One batch's view, kept current as the batch decides row by row."""

    def __init__(self, memory: Memory) -> None:
        self._memory = memory
        self.next_id = self._first_id = memory.next_id
        self._leads: dict[int, Lead] = {}  # whole leads: same-person matches and the batch's new ones
        self._holder: dict[tuple[str, str], int] = {}  # (field, value) -> the oldest live lead with it
        self._sharing: defaultdict[str, set[int]] = defaultdict(set)  # phone -> the live leads with it
        self._merged: dict[str, tuple[int, int | None]] = {}  # external id -> merged number, survivor id
        self._contact: dict[tuple[str, str], int] = {}  # (field, value) -> the oldest contact with it
        self._contacts: dict[int, Contact] = {}  # by id: whom a shared phone may belong to
        self._cycles: dict[int, int] = {}  # contact id -> their last cycle so far
        self.first_lead_of: dict[int, int] = {}  # contact id -> the number of the lead that made them one
        self._winning: dict[int, Lead] = {}  # provisional contact id -> the won lead that will make it
        self._records: dict[int, MatchRecord] = {}  # leads this batch created or changed
        self._keys: dict[int, frozenset[str]] = {}  # their keys now...
        self._before: dict[int, frozenset[str]] = {}  # ...and before this batch
        self._added: defaultdict[str, set[int]] = defaultdict(set)  # filed by this batch
        self._removed: defaultdict[str, set[int]] = defaultdict(set)  # taken out by this batch

    @classmethod
    def load(cls, bulk: BulkLeads, team_id: str, incoming: Incoming, memory: Memory) -> "View":
        view = cls(memory)
        values: Values = {
            field: {value for lead, _ in incoming if (value := getattr(lead, field))}
            for field in SAME_PERSON_ORDER
        }
        found = bulk.live_with(
            team_id, external_ids=values["external_id"], emails=values["email"], phones=values["phone"]
        )
        for lead in (*found, *memory.holding(values)):
            assert lead.id is not None
            view._know(memory.unwritten.get(lead.id, lead))
        merged = bulk.merged_external_ids(team_id, values["external_id"])
        for external_id, (number, survivor) in merged.items():
            survivor_id = survivor.id if survivor else None
            if survivor is not None and survivor_id is not None and survivor_id not in view._leads:
                view._know(memory.unwritten.get(survivor_id, survivor))
            view._merged[external_id] = (number, survivor_id)
        view._know_contacts(bulk, team_id, values, memory)
        memory.read(bulk, team_id, set().union(*(keys for _, keys in incoming)))
        return view

    def same_person(self, lead: Lead) -> tuple[Lead, str] | None:
        """As handlers.matching.duplicates.same_person: a merged lead's external id reaches the lead it
        was merged into; a phone, the oldest of its holders nothing says is someone else."""
        for field in UNIQUE_IDENTIFIERS:
            value = getattr(lead, field)
            holder = self._holder.get((field, value)) if value else None
            if holder is None and field == "external_id" and value in self._merged:
                holder = self._merged[value][1]
            if holder is not None:
                return self._leads[holder], field
        sharing = sorted((self._leads[i] for i in self._sharing.get(lead.phone or "", ())), key=_age)
        holder_lead = next((old for old in sharing if is_phone_of(lead, old)), None)
        return (holder_lead, "phone") if holder_lead is not None else None

    def clash(self, incoming: Lead, known: tuple[Lead, str] | None) -> Clash | None:
        """An identifier the row would store that another lead already holds. The database
        keeps each unique (external ids even on merged leads; email and phone among live
        ones), so add_lead fails such a row; an import refuses it and says whose it is. A
        merged lead's external id is no clash for the lead it was merged into: it reaches it."""
        target = known[0] if known else None
        for field in UNIQUE_IDENTIFIERS:  # a phone may be shared: it never clashes
            value = getattr(incoming, field)
            if not value or (target is not None and getattr(target, field)):
                continue  # stored only to fill a gap
            holder = self._holder.get((field, value))
            if holder is not None and self._leads[holder] is not target:
                return Clash(field, value, self._leads[holder], known)
            if field == "external_id" and value in self._merged:
                number, survivor = self._merged[value]
                if survivor is None or self._leads[survivor] is not target:
                    return Clash(field, value, number, known)
        return None

    def link_returning(self, lead: Lead) -> bool:
        """As handlers.capture.cycles.link_returning_contact: a new lead whose email is a contact's,
        or whose phone is and nothing says it is someone else on that line, is that customer
        back, linked to them as their next cycle."""
        for field in ("email", "phone"):
            value = getattr(lead, field)
            contact_id = self._contact.get((field, value)) if value else None
            if contact_id is not None and field == "phone":
                contact = self._contacts[contact_id]
                if not phone_identifies(lead.name, lead.email, contact.name, contact.email, value):
                    contact_id = None
            if contact_id is not None:
                lead.contact_id = contact_id
                lead.cycle = self._cycles[contact_id] = self._cycles.get(contact_id, 0) + 1
                return True
        return False

    def expect_customer(self, won: Lead, contact: Contact) -> None:
        """A lead this batch creates as won becomes a contact once written (as a conversion
        makes one); until then, a later row with their email or phone is that customer back,
        as it would be in a later batch. The contact goes by a provisional id: minus the lead's."""
        assert won.id is not None
        provisional = -won.id
        self._winning[provisional], self._contacts[provisional] = won, contact
        for field in ("email", "phone"):
            if value := getattr(contact, field):
                self._contact.setdefault((field, value), provisional)
        self._cycles[provisional] = won.cycle

    def customers_expected(self) -> list[tuple[int, Lead]]:
        """(provisional contact id, won lead) of every customer this batch makes, in file order."""
        return list(self._winning.items())

    def first_lead_number(self, contact_id: int) -> int:
        """The number of the lead that made the contact (one of this batch, for a provisional id)."""
        won = self._winning.get(contact_id)
        return won.number if won is not None else self.first_lead_of[contact_id]

    def candidates(self, keys: Iterable[str]) -> list[MatchRecord]:
        """Live leads sharing a key: the oldest few under each key, as the store lists them."""
        ids: set[int] = set()
        postings, removed_of, added_of = self._memory.postings, self._removed, self._added
        cuts = self._memory.cut
        for key in keys:  # the sets are read, never copied, unless this batch changed them
            under_key = postings.get(key, _NOBODY)
            if removed := removed_of.get(key):
                under_key = under_key - removed
            if added := added_of.get(key):
                under_key = under_key | added
            taken = candidates_per_key(key)
            oldest = under_key if len(under_key) <= taken else nsmallest(taken, under_key)
            # A key read in part: its leads after the cut were not read, so its oldest must all
            # be before it (else one not read might be among them).
            if (cut := cuts.get(key)) is not None and (len(oldest) < taken or max(oldest) > cut):
                raise ShortKey(key)
            ids.update(oldest)
        return [self._records.get(i) or self._memory.records[i] for i in sorted(ids)]

    def add(self, lead: Lead, keys: frozenset[str]) -> None:
        """A lead this batch creates, under a provisional id until it is written."""
        lead.id = self.next_id
        self.next_id += 1
        self._know(lead)
        self._records[lead.id] = match_record(lead)
        self._keys[lead.id], self._before[lead.id] = keys, frozenset()
        for key in keys:
            self._added[key].add(lead.id)

    def is_new(self, lead: Lead) -> bool:
        """Created by this batch (so written whole by it, not updated)."""
        return lead.id is not None and lead.id >= self._first_id

    def absorb(self, lead: Lead, incoming: Lead, may_replace: bool) -> tuple[str, ...]:
        """handlers.matching.duplicates.absorb, then refile the lead under what it now holds."""
        assert lead.id is not None
        old_keys = self._keys_of(lead)
        if incoming.external_id in self._merged:  # it stays with the merged lead, and reaches this one
            incoming = replace(incoming, external_id=None)
        changed = absorb(lead, incoming, may_replace)
        if changed:
            new_keys = blocking_keys(match_record(lead))
            for key in old_keys - new_keys:
                self._move(key, lead.id, self._added, self._removed)
            for key in new_keys - old_keys:
                self._move(key, lead.id, self._removed, self._added)
            self._records[lead.id], self._keys[lead.id] = match_record(lead), new_keys
            self._know(lead)
        return changed

    def changes(self, created: Iterable[Lead], updated: Iterable[Lead]) -> list[Change]:
        """Each lead the batch wrote, with its keys before and after (taken before ids change)."""
        changes = []
        for lead in (*created, *updated):
            assert lead.id is not None
            after = self._keys_of(lead)
            changes.append((lead, self._before[lead.id], after))
        return changes

    def number_of(self, lead_id: int) -> int:
        lead = self._leads.get(lead_id)
        return lead.number if lead is not None else self._memory.numbers[lead_id]

    def _keys_of(self, lead: Lead) -> frozenset[str]:
        assert lead.id is not None
        if lead.id not in self._keys:
            self._keys[lead.id] = self._before[lead.id] = blocking_keys(match_record(lead))
        return self._keys[lead.id]

    @staticmethod
    def _move(key: str, lead_id: int, source: dict[str, set[int]], target: dict[str, set[int]]) -> None:
        """Undo a pending opposite move, or record this one."""
        if lead_id in source.get(key, ()):
            source[key].discard(lead_id)
        else:
            target.setdefault(key, set()).add(lead_id)

    def _know_contacts(self, bulk: BulkLeads, team_id: str, values: Values, memory: Memory) -> None:
        contacts = bulk.contacts_with(team_id, emails=values["email"], phones=values["phone"])
        cycles = bulk.last_cycles(team_id, [contact.id for contact, _ in contacts if contact.id is not None])
        for contact, first_lead in contacts:  # oldest first, as ContactRepository.matching prefers
            assert contact.id is not None
            self.first_lead_of[contact.id] = first_lead
            self._contacts[contact.id] = contact
            for field in ("email", "phone"):
                if value := getattr(contact, field):
                    self._contact.setdefault((field, value), contact.id)
            self._cycles[contact.id] = max(cycles.get(contact.id, 0), memory.cycles.get(contact.id, 0))

    def _know(self, lead: Lead) -> None:
        assert lead.id is not None
        self._leads[lead.id] = lead
        for field in SAME_PERSON_ORDER:
            value = getattr(lead, field)
            if field != "external_id" and lead.status == LeadStatus.CONVERTED:
                continue  # the person is a contact now: their email or phone makes a new lead
            if value and field == "phone":
                self._sharing[value].add(lead.id)
            elif value:
                held = self._holder.get((field, value))
                if held is None or _age(lead) < _age(self._leads[held]):
                    self._holder[(field, value)] = lead.id


def _age(lead: Lead) -> int:
    """Older leads first: by number, and a lead not numbered yet after every numbered one."""
    assert lead.id is not None
    return lead.number or lead.id


def _label(field: str) -> str:
    return field.replace("_", " ")
