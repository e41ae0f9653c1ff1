"""The book: lists, search, bulk actions, tags and the Home tab over many leads: what is stored
and read back."""
