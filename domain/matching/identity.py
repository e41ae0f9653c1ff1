"""Which identifiers say "this is the same person", for every way a lead arrives.

An email address and an external id are a person's own. A phone often is not: colleagues
reached through one switchboard, a shop's one line, a family's landline. So a shared phone
identifies only when nothing says otherwise: the emails do not differ (one may be missing)
and the given names do not clearly differ. Otherwise the row is its own lead, and the
fuzzy matcher (domain.matching.dedupe) may still flag it as possibly related when it looks alike."""

from domain.capture.names import Word
from domain.matching.profile import MatchProfile, profile_of, word_pair


def phone_identifies(
    new_name: str, new_email: str | None, old_name: str, old_email: str | None, phone: str
) -> bool:
    """Whether a phone both leads hold makes the new one the old one."""
    return shared_phone_identifies(
        profile_of(new_name, new_email, phone, None), profile_of(old_name, old_email, phone, None)
    )


def shared_phone_identifies(new: MatchProfile, old: MatchProfile) -> bool:
    return (
        bool(new.phone)
        and new.phone == old.phone
        and not emails_differ(new, old)
        and not given_names_differ(new.words, old.words)
    )


def emails_differ(new: MatchProfile, old: MatchProfile) -> bool:
    """Both have an address and they are not the same mailbox (dots and +tags aside)."""
    if not new.email or not old.email:
        return False
    if new.address and old.address:
        return new.address != old.address
    return new.email != old.email  # role mailboxes: info@ and sales@ differ


def given_names_differ(a: tuple[Word, ...], b: tuple[Word, ...]) -> bool:
    """Neither name's first word pairs with any word of the other: "Marie Martin" and "Jean
    Martin" clearly differ; "Jon Smith" and "Jonathan Smith", "J. Smith" and "Jane Smith",
    "Smith, Jane" and "Jane Smith", or "Smith" and "Jane Smith" do not. Comparing the first
    word with every word of the other name keeps a swapped order from reading as two people."""
    if not a or not b:
        return False
    return not _pairs_with_any(a[0], b) and not _pairs_with_any(b[0], a)


def _pairs_with_any(one: Word, others: tuple[Word, ...]) -> bool:
    return any(word_pair(one.text, other.text) is not None for other in others)
