"""Matching: likely duplicates found, compared and merged: the use cases."""
