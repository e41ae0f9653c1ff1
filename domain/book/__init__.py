"""The book: lists, search, bulk actions, tags and the Home tab over many leads: the rules, pure."""
