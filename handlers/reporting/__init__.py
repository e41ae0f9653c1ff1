"""Reporting: the pipeline report, the forecast, digests and exports: the use cases."""
