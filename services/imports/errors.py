"""The error of an import file that cannot be imported (I1): a specific ``code`` and an English message
(messages.py gives its Finnish text), shared by the readers and the limits they check."""


class ImportFileError(ValueError):
    """A file that cannot be imported; ``code`` names the problem, ``message`` says it in English.

    Codes: not_a_spreadsheet, truncated, empty, no_header, duplicate_headers, merged_header_cells,
    formulas, wrong_sheet, too_many_rows, encoding, mixed_encoding, unreadable, and the limits of
    limits.py: file_too_large, zip_entries, zip_ratio, zip_overlap, zip_odd_entry, unzipped_too_large,
    xml_entities, too_many_columns, too_many_cells, line_too_long, nul_bytes, too_many_cards,
    too_many_properties. ``details`` holds what the message names (cells, headers, sheets, the limit)
    for a translated message.
    """

    def __init__(self, code, message, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self):
        return {"code": self.code, "message": self.message, "details": self.details}
