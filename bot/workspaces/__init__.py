"""Workspaces: installations, OAuth, tokens sealed at rest, and a client per workspace."""
