"""Matching: likely duplicates found, compared and merged: what is stored and read back."""
