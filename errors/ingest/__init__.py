"""Loki → monitoring.errors: the poller (`poll_once`) and the watcher of applications' own rows."""
