"""The published facts of the G3 access report: its file formats and the languages its PDF is written
in (the PDF's words are the contacts service's own gettext catalog, access_report/locale/). Pure: no I/O.
"""

FORMATS = {"json": "application/json", "pdf": "application/pdf"}
LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
