"""decisionbot: a Slack decision log and disagree-and-commit tracker."""
