"""Capture: a lead taken in from any channel, cleaned, and recognised when it comes back: the use cases."""
