"""The Slack side of the bot: Web API calls, pacing, card redraws, work after the ack, channel
access, request parsing and serving. Listeners and the scheduler use it; it uses services."""
