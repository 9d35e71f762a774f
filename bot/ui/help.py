"""The /decide help text."""

HELP_TEXT = """*decisionbot* keeps a log of decisions and who committed to them.
• `/decide` opens a form to record a decision in this channel.
• `/decide Move billing to Postgres` opens it with the title filled in.
• `/decide list` shows this channel's decisions; `/decide search <words>` searches the channels you're in; `/decide show <id>` shows one decision in full.
• `/decide digest` shows this channel's digest of the last seven days, privately; `/decide digest off` and `/decide digest on` turn the weekly one off and on.
• `/decide canvas on` adds a *Decision log* canvas to this channel, a table of its decisions kept current as they change; `/decide canvas off` stops updating it.
• `/decide stats` shows, privately, how well deciders' confidence matched how decisions turned out, how often doors were called right, and whose dissent proved right, over 12 weeks (`/decide stats 26` for 26).
• `/decide help` shows this.

*Type 1* decisions are one-way doors (costly to undo): they stay open for input until their commit-by date, and may have a date to review how they turned out.
*Type 2* decisions are two-way doors (cheap to undo): decided now, revisited on a date.
The app's Home tab shows what is waiting on you. On any message, *Record as decision* (in the message's ⋮ menu) starts a decision from it.
On the card, each person picks *Agree & commit*, *Disagree & commit*, or *Disagree* to voice dissent first; the decider answers each dissent in the thread.
The decider (or whoever recorded it, or an admin) can edit, change the type, close, withdraw or mark a decision superseded from its card."""
