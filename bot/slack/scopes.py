"""The bot scopes decisionbot asks for when it is installed through /slack/install.

They are manifest.yaml's (a test keeps the two the same): what each is for is said there.
"""

BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    "users:read",
    "channels:read",
    "groups:read",
    "canvases:write",
)
