"""The project's own stand-in for Slack: its Web API, and requests signed as Slack signs them."""
