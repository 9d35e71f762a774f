"""The rules of decisionbot. Never imports Slack; takes `now` as a parameter."""
