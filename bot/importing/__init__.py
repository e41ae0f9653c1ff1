"""`/lead import` and `leadbot import` on the Slack side: the job, the owners it names, and what
it reports."""
