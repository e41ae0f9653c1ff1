"""`/lead report … csv|chart`: the figures as a file in the asker's DM, through the real Bolt
app and the stand-in's three upload steps."""

import csv
import io

import pytest
from matplotlib import image
from support import ANN, MIA

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def uploaded(fake_slack, count: int = 1):
    assert fake_slack.wait_for_call("files.completeUploadExternal", timeout=20, count=count)
    return fake_slack.uploads.completed


@pytest.fixture
def a_won_lead(slack):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov source:=HYPERLINK(1)")
    slack.slash(ANN, "log L-1 call")
    slack.slash(ANN, "convert L-1 value:2500")


def test_the_csv_comes_in_the_askers_dm_with_spreadsheet_safe_cells(slack, fake_slack, a_won_lead):
    ack = slack.slash(MIA, "report month csv")

    [(file, content)] = uploaded(fake_slack)
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert "CSV" in ack.text and "your DM" in ack.text and ack.body["response_type"] == "ephemeral"
    assert file["name"].endswith("-30d.csv") and file["channels"] == [f"D{MIA[1:]}"]
    assert rows[0] == ["section", "name", "figure", "value"]
    assert ["summary", "won", "leads", "1"] in rows and ["funnel", "converted", "reached", "1"] in rows
    assert ["source", "'=HYPERLINK(1)", "value won", "2500.00"] in rows  # never a formula


def test_the_chart_is_a_png_matplotlib_reads(slack, fake_slack, a_won_lead):
    slack.slash(MIA, "report week chart")

    [(file, content)] = uploaded(fake_slack)
    assert file["mimetype"] == "image/png" and content.startswith(PNG_MAGIC)
    pixels = image.imread(io.BytesIO(content), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100


def test_a_rep_asking_for_a_teams_file_is_told_and_gets_none(slack, fake_slack):
    slack.slash(ANN, "report sales csv")

    assert fake_slack.wait_for_call("response_url", timeout=20)
    told = fake_slack.calls_to("response_url")[-1].params
    assert "Only a manager of Sales or an admin" in told["text"]
    assert fake_slack.uploads.completed == []
