"""The web pages of "Add to Slack": the install page, and what happened once Slack sent the
person back. Plain HTML with no outside resources, every value escaped."""

from __future__ import annotations

from html import escape

INSTALL_PATH = "/slack/install"

_STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1d1c1d; line-height: 1.5; }
h1 { font-size: 1.6rem; }
a.button { display: inline-block; padding: .7rem 1.4rem; border-radius: .4rem;
           background: #4a154b; color: #fff; font-weight: 600; text-decoration: none; }
a.button:focus, a.button:hover { background: #611f69; }
code { background: #f4f4f4; padding: 0 .2rem; border-radius: .2rem; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="icon" href="data:,">\n<title>{escape(title)}</title>\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def install_page(authorize_url: str) -> str:
    return _page(
        "Add decisionbot to Slack",
        "<p>decisionbot keeps a decision log in Slack: <code>/decide</code> records what was "
        "decided, who owns it and whether it can be undone, and everyone whose commitment is "
        "needed agrees or disagrees and commits on the record.</p>\n"
        "<p>Slack will show you what decisionbot may do and ask you to choose a workspace.</p>\n"
        f'<p><a class="button" id="add-to-slack" href="{escape(authorize_url)}">Add to Slack</a></p>',
    )


def installed_page(*, team_name: str | None, team_id: str, app_id: str | None) -> str:
    where = escape(team_name or team_id)
    open_slack = (
        f"https://slack.com/app_redirect?app={escape(app_id)}&amp;team={escape(team_id)}"
        if app_id
        else f"https://app.slack.com/client/{escape(team_id)}"
    )
    return _page(
        "decisionbot is installed",
        f"<p>decisionbot is installed in <strong>{where}</strong>.</p>\n"
        "<p>Next: invite it to a channel with <code>/invite @decisionbot</code>, then type "
        "<code>/decide</code> there to record a decision. <code>/decide help</code> shows "
        "everything else.</p>\n"
        f'<p><a class="button" href="{open_slack}">Open Slack</a></p>',
    )


_START_AGAIN = f'<p><a class="button" href="{INSTALL_PATH}">Start again</a></p>'

FAILURES = {
    "access_denied": (
        "You cancelled the install, so nothing was added to your workspace. "
        "To add decisionbot after all, start again."
    ),
    "invalid_browser": (
        "This install was started in another browser, or your browser didn't keep its "
        "cookie. Start again here, in this browser."
    ),
    "invalid_state": (
        "This install link expired (it is good for 10 minutes, once) or was already used. "
        "Start again for a fresh one."
    ),
    "missing_code": "Slack didn't say the install was approved. Start again.",
    "invalid_code": (
        "Slack didn't accept this install (the approval expired, or the app's Client ID or "
        "Secret doesn't match). Start again; if it fails again, tell whoever runs decisionbot."
    ),
    "storage_error": (
        "Slack approved the install but decisionbot couldn't save it. Nothing was changed. "
        "Try again in a minute; if it fails again, tell whoever runs decisionbot."
    ),
}


def failed_page(reason: str) -> str:
    said = FAILURES.get(
        reason,
        f"Slack stopped the install ({reason}). Start again; if it happens again, "
        "tell whoever runs decisionbot.",
    )
    return _page("decisionbot was not installed", f"<p>{escape(said)}</p>\n{_START_AGAIN}")


def org_wide_refused_page() -> str:
    return _page(
        "decisionbot was not installed",
        "<p>This was an install for a whole Enterprise Grid organization. decisionbot keeps "
        "its decision log workspace by workspace, so it is added to each workspace on its "
        "own; nothing was installed.</p>\n"
        "<p>Start again and choose a single workspace (an org admin can then add it to "
        "others the same way).</p>\n" + _START_AGAIN,
    )
