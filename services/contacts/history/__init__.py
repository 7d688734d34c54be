"""A contact's field changes with their old and new values (issue 13 item 5)."""
