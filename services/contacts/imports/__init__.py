"""Imports (I1) in the contacts service: idempotent chunk upserts with duplicate matching, and undo."""
