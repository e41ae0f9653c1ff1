"""The Slack side: Bolt app, /lead grammar, Block Kit, transports and the console."""
