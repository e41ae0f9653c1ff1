"""The operator's side: the `leadbot` command, settings, logs, metrics and preflight checks."""
