"""Duplicates, comparison and merge of contacts (C11)."""
