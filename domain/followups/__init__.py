"""Follow-ups: reminders, the activity on a lead's timeline, and a rep's tasks: the rules, pure."""
