"""A local Campaign Monitor (API v3.3) for ``make run`` and the tests: the subset of the API Piiri uses,
served over HTTPS with the real paths, envelopes, error codes and batching limits, so that the official
``createsend`` client talks to it unchanged (only ``CAMPAIGN_MONITOR_BASE_URI`` and the CA file differ).

state.py holds the accounts' lists, subscribers, custom fields, campaigns and webhooks in memory;
api.py is the WSGI application (routes -> state); server.py makes a certificate for ``localhost`` and
serves the application in a thread (``python -m services.mailing.emulator``); delivery.py renders a sent
campaign's mail for each recipient and delivers it over SMTP to the configured server (``make run``: the
local SMTP catcher, emulators/smtp/).
"""
