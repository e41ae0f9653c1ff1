"""An expected deal (value and close month) arrives by every capture channel: the CRM columns
of an import, and (tests/bot) the web form's JSON."""

from datetime import date
from decimal import Decimal

import pytest
from import_support import rows
from support import NOW

from domain.config import CONSOLE_WORKSPACE
from domain.permissions import system_actor
from handlers.context import Context
from handlers.importing.columns import map_header
from handlers.importing.pipeline import import_leads


@pytest.mark.parametrize(
    "header",
    [
        ["Email", "Amount", "Close Date"],  # HubSpot deals, Salesforce opportunities
        ["Email", "Expected Revenue", "Expected Closing"],  # Odoo
        ["Email", "Lead - Value", "Lead - Expected close date"],  # Pipedrive
        ["Email", "Deal value", "Closing Date"],  # Zoho
    ],
)
def test_the_crms_value_and_close_date_columns_are_read(header):
    assert map_header(header).columns == ("email", "value", "close")


def test_imported_amounts_and_close_dates_become_the_expected_deal(uow_factory, config):
    importer = Context(system_actor(CONSOLE_WORKSPACE, "import"), NOW, config)
    done = import_leads(
        rows(
            {"email": "dana@fbi.gov", "value": "$12,500", "close": "2027-03-15"},
            {"email": "fox@fbi.gov", "value": "lots", "close": "someday"},
            {"email": "walter@fbi.gov", "value": "900", "status": "Closed Won"},
        ),
        uow_factory(),
        importer,
    )

    with uow_factory() as uow:
        dana, fox, walter = (uow.leads.get(CONSOLE_WORKSPACE, n) for n in (1, 2, 3))
    assert (dana.expected_value, dana.expected_close) == (Decimal("12500.00"), date(2027, 3, 1))
    assert (fox.expected_value, fox.expected_close) == (None, None)  # left out, the row kept
    warnings = " ".join(w for p in done.problems for w in [p.reason])
    assert "Amount `lots` is not an amount" in warnings and "Close date `someday` is not a date" in warnings
    assert (str(walter.status), walter.deal_value, walter.expected_value) == ("converted", Decimal(900), None)
