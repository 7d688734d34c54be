"""Rich standard fields (C2) in the web UI: their words and the contact list's tag and gender filters.
The contact form's rows are read and shown by gateway/rich_form.py (used by web.py and web_helpers.py);
the contact page shows the fields in contact.html."""

from gateway.web_helpers import list_filter_section

list_filter_section("rich/_list_filters.html")
