"""Piiri's shared service kit: config, database sessions, acting-user context, audit, outbox, errors.

Importing this package first makes psycopg 3 cooperate with eventlet (stack.md trap 2):
without it one slow query blocks every greenlet in the process, AMQP heartbeats included.
"""

import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import psycopg.waiting  # noqa: E402

psycopg.waiting.wait = psycopg.waiting.wait_select
