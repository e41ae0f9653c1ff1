"""Capture on the Slack side: the queue a `/lead add` waits in when it cannot be done inside its
ack, and the capture form's values."""
