"""Delivery: messages to Slack kept in the outbox, paced, sent and alerted on: what is stored and
read back."""
