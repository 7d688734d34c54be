"""The gateway: authenticates people and systems, serves the web UI and /api/v1, routes to the services."""
