"""The export as files: Markdown decision records (in the style of architecture decision
records) with an index, one CSV row per decision, or the JSON document itself."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from bot.services.classification import DOOR, TYPE_LABEL
from storage.models import DecisionType, DissentCall

CSV_COLUMNS = [
    "id",
    "team_id",
    "channel_id",
    "title",
    "type",
    "status",
    "decider_id",
    "recorder_id",
    "created_at",
    "commit_by",
    "revisit_on",
    "closed_at",
    "ended_as",
    "superseded_by_id",
    "stakeholders",
    "agreed_and_committed",
    "disagreed_and_committed",
    "dissent",
    "dissent_unanswered",
    "revisits",
    "confidence",
    "dissent_proved_right",
    "doors_called_right",
    "source_link",
]


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# A cell starting with one of these is a formula to Excel, Sheets and LibreOffice: a title of
# =HYPERLINK("http://x","click") would become a link. OWASP's advice: prefix a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _proved_right(dissent: dict[str, Any]) -> bool:
    return dissent.get("called") == DissentCall.CAME_TRUE


def _doors_called_right(reviews: list[dict[str, Any]]) -> str:
    """ "1 of 2": of the revisits that said whether the door was called right, how many did."""
    said = [r["door_called_right"] for r in reviews if r.get("door_called_right") is not None]
    return f"{sum(said)} of {len(said)}" if said else ""


def to_csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    # RFC 4180 line ends, so that a value holding \r is quoted too, as one holding \n is.
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for d in document["decisions"]:
        stances = [c["stance"] for c in d["commitments"]]
        writer.writerow(
            {
                **{k: _cell(d.get(k)) for k in CSV_COLUMNS if k in d},
                "type": d["decision_type"],
                "stakeholders": len(d["stakeholders"]),
                "agreed_and_committed": stances.count("agree"),
                "disagreed_and_committed": stances.count("disagree"),
                "dissent": len(d["dissents"]),
                "dissent_unanswered": sum(1 for x in d["dissents"] if not x["answered_at"]),
                "revisits": len(d["reviews"]),
                "dissent_proved_right": sum(1 for x in d["dissents"] if _proved_right(x)),
                "doors_called_right": _doors_called_right(d["reviews"]),
            }
        )
    return out.getvalue()


def record_file_name(decision: dict[str, Any]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", decision["title"].lower()).strip("-")[:60] or "decision"
    return f"{decision['id']:04d}-{slug}.md"


def _day(value: str | None) -> str:
    return value[:10] if value else "none"


def _status(d: dict[str, Any]) -> str:
    """As decision records say it: decided, withdrawn, superseded by 12, and so on."""
    ended = d.get("ended_as")
    status = str(ended or d["status"])
    if ended == "superseded" and d.get("superseded_by_id"):
        status = f"superseded by {d['superseded_by_id']}"
    if d["closed_at"]:
        status += f" on {_day(d['closed_at'])}"
    if d.get("end_reason"):
        status += f": {d['end_reason']}"
    return status


def to_markdown_record(d: dict[str, Any]) -> str:
    """One decision as a decision record: status, context, decision, consequences and the rest."""
    kind = DecisionType(d["decision_type"])
    lines = [
        f"# {d['id']}. {d['title']}",
        "",
        f"- **Status:** {_status(d)}",
        f"- **Date:** {_day(d['created_at'])}",
        f"- **Decider:** {d['decider_id']} (recorded by {d['recorder_id']})",
        f"- **Type:** {TYPE_LABEL[kind]}, a {DOOR[kind]}. {d['type_reason']}",
        f"- **Channel:** {d['channel_id']}",
    ]
    if d.get("confidence"):
        lines.append(f"- **Decider's confidence:** {d['confidence']}%")
    if d["commit_by"]:
        lines.append(f"- **Commit by:** {d['commit_by']}")
    if d["revisit_on"]:
        look = "Revisit on" if kind is DecisionType.TYPE_2 else "Outcome review on"
        lines.append(f"- **{look}:** {d['revisit_on']}")
    lines += ["", "## Context", ""]
    lines.append(
        f"Recorded from a message: {d['source_link']}"
        if d.get("source_link")
        else "Recorded with /decide."
    )
    if d["options_considered"]:
        lines += ["", "### Options considered", "", d["options_considered"]]
    lines += ["", "## Decision", "", d["what_and_why"], "", "## Dissent", ""]
    if not d["dissents"]:
        lines.append("None voiced.")
    for x in d["dissents"]:
        lines.append(f"- **{x['user_id']}** ({_day(x['created_at'])}): {x['reason']}")
        if x["would_change_mind"]:
            lines.append(f"  - What would change their mind: {x['would_change_mind']}")
        if x.get("prediction"):
            lines.append(f"  - What would show they were right: {x['prediction']}")
        if _proved_right(x):
            lines.append(
                f"  - **{x['user_id']} called it:** it came true ({_day(x['called_at'])})."
            )
        elif x.get("called") == DissentCall.DID_NOT:
            lines.append(f"  - It didn't come true ({_day(x['called_at'])}).")
        if x["answered_at"]:
            lines.append(
                f"  - Answer by {x['answered_by']}: heard: {x['heard']}; weighed: {x['weighed']}"
            )
        else:
            lines.append("  - Not answered.")
    lines += ["", "## Commitments", ""]
    committed = {c["user_id"]: c for c in d["commitments"]}
    people = d["stakeholders"] + [u for u in committed if u not in d["stakeholders"]]
    if not people:
        lines.append("Nobody was asked to commit.")
    for user in people:
        c = committed.get(user)
        state = (
            f"{'agreed' if c['stance'] == 'agree' else 'disagreed'} and committed ({_day(c['committed_at'])})"
            if c
            else "not committed"
        )
        lines.append(f"- {user}: {state}")
    lines += ["", "## Revisits and outcomes", ""]
    if not d["reviews"]:
        lines.append("None yet.")
    for r in d["reviews"]:
        line = f"- {r['due_on']}: {r['disposition']} by {r['recorded_by']}"
        if r["outcome"]:
            line += f"; were we right? {r['outcome']}"
        if r.get("door_called_right") is not None:
            line += f"; door called right? {'yes' if r['door_called_right'] else 'no'}"
        if r["reason"]:
            line += f"; {r['reason']}"
        if r["learned"]:
            line += f"; learned: {r['learned']}"
        lines.append(line)
    links = [
        f"- {e['kind'].replace('_', ' ')}: decision {e['detail'].get('by_decision_id') or e['detail'].get('decision_id')}"
        for e in d["history"]
        if e["kind"] in ("superseded", "supersedes")
    ]
    if links:
        lines += ["", "## Links", "", *links]
    lines += ["", "## History", ""]
    lines += [
        f"- {e['at'][:16].replace('T', ' ')} UTC: {e['actor_id']} {e['kind'].replace('_', ' ')}"
        for e in d["history"]
    ]
    return "\n".join(lines) + "\n"


def to_markdown_index(document: dict[str, Any]) -> str:
    lines = [
        "# Decision log",
        "",
        "| # | Decision | Type | Status | Date | Decider |",
        "|---|---|---|---|---|---|",
    ]
    for d in document["decisions"]:
        title = d["title"].replace("|", "\\|")
        lines.append(
            f"| {d['id']} | [{title}]({record_file_name(d)}) | {TYPE_LABEL[DecisionType(d['decision_type'])]} "
            f"| {d['status']} | {_day(d['created_at'])} | {d['decider_id']} |"
        )
    return "\n".join(lines) + "\n"
