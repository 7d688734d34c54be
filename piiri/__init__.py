"""Piiri's shared service kit: config, database sessions, acting-user context, audit, outbox, errors.

Importing this package first makes psycopg 3 cooperate with eventlet (stack.md trap 2):
without it one slow query blocks every greenlet in the process, AMQP heartbeats included.

It also keeps openpyxl on its standard-library XML parser even where lxml is installed (billing needs
lxml for Finvoice): the imports' xlsx reading (services/imports/xlsx_rows.py, formulas, hostile files)
is written for and tested with that parser, and openpyxl with lxml read formulas' cells differently.
"""

import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
os.environ.setdefault("OPENPYXL_LXML", "False")

import psycopg.waiting  # noqa: E402

psycopg.waiting.wait = psycopg.waiting.wait_select
