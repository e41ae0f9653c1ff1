"""Closing: a lead converted, lost or reopened, and what an open one is expected to bring: the use cases."""
