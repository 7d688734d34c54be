"""Saved searches (C4): a name for a free-text query plus structured filters, private or shared, and
result counts of any search."""
