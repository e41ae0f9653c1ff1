"""Pure lead-management rules: no I/O, no Slack, no SQL."""
