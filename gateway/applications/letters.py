"""The decision letter of an application (Q3) handed out as the surveys service makes it, in the
applicant's language (fi, sv, en): as plain text (decision_letter_text) or as a PDF (decision_letter_pdf),
both in the service's one set of words; never a reviewer's name or a score."""

import base64

from werkzeug.wrappers import Response


def letter_response(made):
    """The surveys service's plain-text letter as a download."""
    headers = {"Content-Disposition": 'attachment; filename="decision.txt"', "Cache-Control": "no-store"}
    return Response(made["text"], content_type="text/plain; charset=utf-8", headers=headers)


def pdf_response(made):
    """The surveys service's PDF letter as a download."""
    name = made["filename"].replace('"', "'")
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(base64.b64decode(made["content_base64"]), content_type="application/pdf", headers=headers)
