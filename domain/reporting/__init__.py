"""Reporting: the pipeline report, the forecast, digests and exports: the rules, pure."""
