"""Delivery: messages to Slack kept in the outbox, paced, sent and alerted on: the use cases."""
