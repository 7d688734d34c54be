"""The decision letter of an application (Q3) as plain text in the applicant's language (fi, sv, en): the
round, the application's title, the decision and the coordinator's note; never a reviewer's name or a
score (the surveys service's decision_letter gives neither). The PDF letter is made by the surveys service
(decision_letter_pdf) and handed out here as it is."""

import base64

from werkzeug.wrappers import Response

from gateway.i18n import Translator
from gateway.web_helpers import format_date


def letter_text(letter, applicant_name):
    t = Translator(letter["language"])
    lines = [
        t("apr.letter.subject", round=letter["round_name"]),
        format_date(letter["decided_at"], t.language),
        "",
        t("apr.letter.greeting", name=applicant_name) if applicant_name else t("apr.letter.greeting_plain"),
        "",
        t(f"apr.letter.{letter['state']}", title=letter["title"] or "", round=letter["round_name"]),
    ]
    if letter["note"].strip():
        lines += ["", letter["note"].strip()]
    lines += ["", t("apr.letter.closing")]
    return "\n".join(lines) + "\n"


def letter_response(letter, applicant_name):
    body = letter_text(letter, applicant_name)
    headers = {"Content-Disposition": 'attachment; filename="decision.txt"', "Cache-Control": "no-store"}
    return Response(body, content_type="text/plain; charset=utf-8", headers=headers)


def pdf_response(made):
    """The surveys service's PDF letter as a download."""
    name = made["filename"].replace('"', "'")
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(base64.b64decode(made["content_base64"]), content_type="application/pdf", headers=headers)
