"""Custom fields (C3): definitions made at run time; contacts' values validated, searchable, filterable."""
