"""Saved searches (C4): a name for a free-text query plus structured filters, or for an advanced-search
expression (AND/OR/NOT), private or shared, and result counts of any search."""
