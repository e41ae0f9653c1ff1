"""Delivery on the Slack side: outbox messages sent through the Web API, and people's DMs."""
