"""The error of an import file that cannot be imported (I1): what the file breaks (``kind``) and the coded
message that says it (contract/messages.py words it), shared by the readers and the limits they check."""

from piiri.errors import coded


class ImportFileError(ValueError):
    """A file that cannot be imported.

    ``code``: the kind of problem, for machines: not_a_spreadsheet, truncated, empty, no_header,
    duplicate_headers, merged_header_cells, formulas, wrong_sheet, too_many_rows, encoding,
    mixed_encoding, unreadable, and the limits of limits.py: file_too_large, zip_entries, zip_ratio,
    zip_overlap, zip_odd_entry, unzipped_too_large, xml_entities, bad_dimension, too_many_columns,
    too_many_cells, line_too_long, nul_bytes, too_many_cards, too_many_properties.
    ``message``: the message code (``import.file.too_many_rows``); ``details``: what the file has and
    the limit it breaks, in plain values; ``params``: the values the message shows, ``details`` unless
    ``shown`` gives others (a size in MB where ``details`` has bytes).
    """

    def __init__(self, code, message, shown=None, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.params = {**details, **(shown or {})}

    @property
    def entry(self):
        """The message as a field finding: ``{"code": ..., "params": {...}}``."""
        return coded(self.message, **self.params)

    def as_dict(self):
        return {"code": self.code, "message": self.message, "params": self.params, "details": self.details}
