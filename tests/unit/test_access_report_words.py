"""The access-report PDF (made by the contacts service) names audit actions, fields and export formats
with the same words as the gateway's pages: its catalog carries every such message of the gateway's
catalogs, with the same text, in fi, sv and en (issue 11 item 5, issue 13 item 8)."""

from gateway.i18n import LANGUAGES, messages
from services.contacts.access_report.words import Translator


def test_the_report_knows_every_audit_action_field_and_format_the_gateway_names():
    for language in LANGUAGES:
        report = Translator(language)
        needed = [key for key in messages(language) if key.startswith(("action.", "field.", "exp.format."))]
        assert len(needed) > 150
        missing = [key for key in needed if not report.has(key)]
        assert not missing, (language, missing)
        different = [key for key in needed if report(key) != messages(language)[key]]
        assert not different, (language, different)
