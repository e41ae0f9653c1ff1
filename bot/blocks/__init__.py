"""Pure Block Kit builders: results in, SlackMessage out; no database, no client."""
