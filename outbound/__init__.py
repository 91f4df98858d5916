"""Plumbing shared by the console's HTTP clients (Loki, Tempo).

Named secrets and the auth that reads them per request, TLS, time-budget profiles, retries with
back-off, HTTP status to error mapping, request timing, and the transport base built from them.
A leaf: nothing here imports the console's apps or Django. Each client keeps its own error
family and hands it in (`ErrorFamily`), so what callers catch never changes.
"""
