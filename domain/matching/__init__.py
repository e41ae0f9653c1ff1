"""Matching: likely duplicates found, compared and merged: the rules, pure."""
