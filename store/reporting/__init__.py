"""Reporting: the pipeline report, the forecast, digests and exports: what is stored and read back."""
