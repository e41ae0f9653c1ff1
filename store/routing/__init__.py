"""Routing: the team by rule, the rep by strategy, the manager's decision and the SLA: what is
stored and read back."""
