"""Pure builders of Block Kit: everything decisionbot shows, testable without Slack."""
