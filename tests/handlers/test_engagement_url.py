"""Event URLs are kept as ASCII, as browsers send them, and within the stored length."""

import pytest
from pydantic import ValidationError

from handlers.commands import MAX_URL, EngagementIn


def test_non_ascii_is_percent_encoded_and_the_rest_kept():
    event = EngagementIn(email="a@b.co", event="page_visited", url="https://acme.de/preise/über?x=1&y=ä#top")
    assert event.url == "https://acme.de/preise/%C3%BCber?x=1&y=%C3%A4#top"


def test_a_url_too_long_once_encoded_is_refused_with_the_reason():
    with pytest.raises(ValidationError, match=f"longer than {MAX_URL}"):
        EngagementIn(email="a@b.co", event="page_visited", url="https://acme.de/" + "ü" * 700)
