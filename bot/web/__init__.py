"""What `leadbot serve` answers over HTTP: routes, signed requests, webhooks and health."""
