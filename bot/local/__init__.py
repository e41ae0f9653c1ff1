"""Leadbot without Slack: the local console and the Slack stand-in it (and the tests) talk to."""
