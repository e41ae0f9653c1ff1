"""Follow-ups: reminders, the activity on a lead's timeline, and a rep's tasks: what is stored
and read back."""
