"""`decisionbot export` (Markdown, CSV, JSON) and `decisionbot import`: a full round trip."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.export_formats import to_csv
from bot.ids import Action, Block
from bot.scheduler.sweep import Sweeper
from bot.slack.installations import OneWorkspace
from storage.db import Database
from storage.models import Outcome
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, NOW
from tests.databases import new_database_url
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest

OTHER = "C0000OTHER"


async def a_full_story(bot: BotUnderTest) -> None:
    """Two decisions with dissent, an answer, commitments, a revisit and an outcome."""
    bot.stand_in.add_channel(OTHER)
    card = await record_decision(bot, stakeholders=[BOB, CAROL], title="Move billing to Postgres")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(BOB),
        {Block.DISSENT_REASON: "Risky | in Q4", Block.DISSENT_WOULD_CHANGE: "A rollback plan."},
        user=BOB,
    )
    answer_button = bot.stand_in.thread(CHANNEL, str(card["ts"]))[-1]
    await bot.click(answer_button, Action.OPEN_ANSWER, user=ALICE, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.ANSWER_HEARD: "Q4 is busy.", Block.ANSWER_WEIGHED: "We ship in January."},
        user=ALICE,
    )
    await bot.click(bot.card(CHANNEL), Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL)
    await bot.click(bot.card(CHANNEL), Action.COMMIT_AGREE, user=CAROL, channel=CHANNEL)

    await record_decision(
        bot, stakeholders=[], kind="type2", channel=OTHER, title="Weekly releases"
    )
    revisit_day = NOW + timedelta(days=30)
    bot.deps.clock = lambda: revisit_day
    await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="test").sweep()
    revisit = next(
        m for m in bot.stand_in.channel_messages(ALICE) if "Time to revisit" in str(m["text"])
    )
    await bot.click(revisit, Action.REVISIT_KEEP, user=ALICE, channel=ALICE)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.REVISIT_OUTCOME: Outcome.RIGHT.value, Block.REVISIT_LEARNED: "Smaller is calmer."},
        user=ALICE,
    )


async def run(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    # The command runs its own event loop, as it does from a shell.
    return await asyncio.to_thread(main, list(args))


async def test_a_json_export_imported_into_an_empty_database_brings_everything_back(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_full_story(bot)
    first = tmp_path / "first"
    assert await run(monkeypatch, db.url, "export", "--format", "json", "--out", str(first)) == 0
    exported = json.loads((first / "decisions.json").read_text())
    story = exported["decisions"][0]
    assert story["dissents"][0]["heard"] == "Q4 is busy." and len(story["commitments"]) == 2
    assert exported["decisions"][1]["reviews"][0]["learned"] == "Smaller is calmer."
    assert exported["decisions"][1]["due_work"][0]["message_ts"]  # the revisit, marked sent

    fresh = new_database_url(tmp_path, "restored")
    assert await run(monkeypatch, fresh, "import", str(first / "decisions.json")) == 0
    second = tmp_path / "second"
    assert await run(monkeypatch, fresh, "export", "--format", "json", "--out", str(second)) == 0
    assert json.loads((second / "decisions.json").read_text()) == exported

    # Importing again would overwrite: refused, and nothing changes.
    assert await run(monkeypatch, fresh, "import", str(first / "decisions.json")) == 2
    third = tmp_path / "third"
    assert await run(monkeypatch, fresh, "export", "--format", "json", "--out", str(third)) == 0
    assert json.loads((third / "decisions.json").read_text()) == exported


async def test_markdown_is_a_decision_record_per_decision_with_an_index(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_full_story(bot)
    out = tmp_path / "md"
    assert await run(monkeypatch, db.url, "export", "--format", "md", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "0001-move-billing-to-postgres.md",
        "0002-weekly-releases.md",
        "index.md",
    ]
    record = (out / "0001-move-billing-to-postgres.md").read_text()
    for section in ("## Context", "## Decision", "## Dissent", "## Commitments", "## History"):
        assert section in record
    assert f"**{BOB}** (2026-11-23): Risky | in Q4" in record
    assert "Answer by U0ALICE: heard: Q4 is busy.; weighed: We ship in January." in record
    assert f"- {BOB}: disagreed and committed" in record
    assert "right" in (out / "0002-weekly-releases.md").read_text()
    assert (
        "[Move billing to Postgres](0001-move-billing-to-postgres.md)"
        in (out / "index.md").read_text()
    )
    # Without a directory there is nowhere to put a file per decision.
    assert await run(monkeypatch, db.url, "export", "--format", "md") == 2


async def test_csv_has_a_row_per_decision_and_filters_by_channel_and_date(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_full_story(bot)
    out = tmp_path / "csv"
    assert await run(monkeypatch, db.url, "export", "--format", "csv", "--out", str(out)) == 0
    rows = list(csv.DictReader((out / "decisions.csv").open()))
    assert [r["title"] for r in rows] == ["Move billing to Postgres", "Weekly releases"]
    first = rows[0]
    assert (first["stakeholders"], first["agreed_and_committed"]) == ("2", "1")
    assert (first["disagreed_and_committed"], first["dissent_unanswered"]) == ("1", "0")

    one = tmp_path / "one"
    args = ["export", "--format", "csv", "--channel", OTHER, "--out", str(one)]
    assert await run(monkeypatch, db.url, *args) == 0
    assert [r["title"] for r in csv.DictReader((one / "decisions.csv").open())] == [
        "Weekly releases"
    ]
    later = tmp_path / "later"
    args = ["export", "--format", "csv", "--since", "2026-11-24", "--out", str(later)]
    assert await run(monkeypatch, db.url, *args) == 0
    assert list(csv.DictReader((later / "decisions.csv").open())) == []


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)"],
)
async def test_a_csv_cell_that_would_be_a_formula_is_kept_as_text(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str
) -> None:
    await record_decision(bot, stakeholders=[BOB], title=title)
    out = tmp_path / "csv"
    assert await run(monkeypatch, db.url, "export", "--format", "csv", "--out", str(out)) == 0
    with (out / "decisions.csv").open(newline="") as file:
        [row] = list(csv.DictReader(file))
    assert row["title"] == "'" + title


@pytest.mark.parametrize("text", ["\tTabbed", "\rReturned", "=1+1"])
def test_every_text_cell_is_neutralised_not_only_titles(text: str) -> None:
    document = {
        "decisions": [
            {
                "id": 1,
                "title": "Plain",
                "source_link": text,
                "decision_type": "type1",
                "stakeholders": [],
                "commitments": [],
                "dissents": [],
                "reviews": [],
            }
        ]
    }
    [row] = list(csv.DictReader(io.StringIO(to_csv(document), newline="")))
    assert (row["title"], row["source_link"]) == ("Plain", "'" + text)


def an_export(**changes: object) -> dict[str, object]:
    decision = {
        "id": 7,
        "team_id": "T0001",
        "channel_id": "C0000GENERAL",
        "title": "Weekly releases",
        "what_and_why": "Smaller batches.",
        "decider_id": "U0ALICE",
        "recorder_id": "U0ALICE",
        "decision_type": "type2",
        "type_reason": "Chosen.",
        "status": "decided",
        "created_at": "2026-11-23T09:00:00+00:00",
        "updated_at": "2026-11-23T09:00:00+00:00",
        "stakeholders": ["U0BOB"],
        "commitments": [],
        "dissents": [],
        "history": [],
    }
    return {"format": "decisionbot-export", "version": 2, "decisions": [decision]} | changes


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([1, 2], "That file holds a JSON list, not a decisionbot export"),
        ({"decisions": []}, "not a decisionbot export"),
        (an_export(version=9), "version 9; decisionbot has written versions 1, 2 and 3"),
        (an_export(decisions={"a": 1}), "Nothing was imported: `decisions` is not a list"),
        (an_export(decisions=["x"]), "decision 1 of 1 is not a record (it is str)"),
        (
            an_export(decisions=[{"id": 3, "title": "Half a record"}]),
            "Nothing was imported: decision 1 of 1 (#3): ",
        ),
    ],
)
async def test_an_import_that_cant_be_used_says_in_one_sentence_what_and_where(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    document: object,
    says: str,
) -> None:
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(document))
    assert await run(monkeypatch, db.url, "import", str(path)) == 2
    [said] = capsys.readouterr().err.strip().splitlines()
    assert says in said and "Traceback" not in said
    out = tmp_path / "after"
    assert await run(monkeypatch, db.url, "export", "--format", "json", "--out", str(out)) == 0
    assert json.loads((out / "decisions.json").read_text())["decisions"] == []  # nothing stored


async def test_an_import_given_the_export_folder_names_the_file_inside(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "decisions.json").write_text(json.dumps(an_export()))
    assert await run(monkeypatch, db.url, "import", str(tmp_path)) == 2
    said = capsys.readouterr().err
    assert (
        f"is a folder; give the export's JSON file instead. Did you mean {tmp_path / 'decisions.json'}?"
        in said
    )


async def test_a_version_1_export_still_imports(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(an_export(version=1)))  # version 1 had no revisits or sends
    assert await run(monkeypatch, db.url, "import", str(path)) == 0
    out = tmp_path / "after"
    assert await run(monkeypatch, db.url, "export", "--format", "json", "--out", str(out)) == 0
    [decision] = json.loads((out / "decisions.json").read_text())["decisions"]
    assert (decision["id"], decision["title"], decision["stakeholders"]) == (
        7,
        "Weekly releases",
        ["U0BOB"],
    )


async def test_an_export_of_a_database_that_isnt_there_refuses_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such.db"
    assert await run(monkeypatch, f"sqlite:///{missing}", "export", "--format", "json") == 2
    assert f"There is no database at {missing} (DATABASE_URL)" in capsys.readouterr().err
    assert not missing.exists()
