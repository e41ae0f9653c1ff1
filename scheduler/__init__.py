"""APScheduler sweepers that call handlers: reminders, outbox delivery."""
