"""Export rows (I2): contacts.export_page, the full rows of a selection in keyset pages for the exports
service: the selection resolved through the list's own filters, advanced search, saved searches, groups
and the actor's data scope; custom values, couples and primary organisations loaded per page."""
