"""The decision letter of an application as a PDF (Q3), in the applicant's language (Finnish, Swedish or
English): the organisation's name, the date of the decision, the applicant, the round and the application,
the decision and the coordinator's reasoning; never a reviewer's name or a score (what ``letter`` holds
is what decision_letter gives, which has neither). Set in the fonts every Piiri PDF uses
(piiri.pdf_fonts); the words are here, like the invoice's (services/billing/documents/texts.py), and the
plain-text letter (``plain_text``) is made of the same words, so the two never say it differently."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from piiri import formatting
from piiri.pdf_fonts import fonts

TEXTS = {
    "fi": {
        "document": "Päätös",
        "subject": "Päätös: {round}",
        "greeting": "Hyvä {name},",
        "greeting_plain": "Hyvä hakija,",
        "accepted": "hakemuksesi \u201c{title}\u201d haussa {round} on hyväksytty.",
        "rejected": "hakemustasi \u201c{title}\u201d haussa {round} ei valitettavasti voitu hyväksyä.",
        "date": "Päivämäärä",
        "round": "Haku",
        "application": "Hakemus",
        "decision": "Päätös",
        "state.accepted": "Hyväksytty",
        "state.rejected": "Hylätty",
        "reasoning": "Perustelut",
        "closing": "Ystävällisin terveisin",
    },
    "sv": {
        "document": "Beslut",
        "subject": "Beslut: {round}",
        "greeting": "Bästa {name},",
        "greeting_plain": "Bästa sökande,",
        "accepted": "din ansökan \u201d{title}\u201d i utlysningen {round} har godkänts.",
        "rejected": "din ansökan \u201d{title}\u201d i utlysningen {round} kunde tyvärr inte godkännas.",
        "date": "Datum",
        "round": "Utlysning",
        "application": "Ansökan",
        "decision": "Beslut",
        "state.accepted": "Godkänd",
        "state.rejected": "Avslagen",
        "reasoning": "Motivering",
        "closing": "Med vänliga hälsningar",
    },
    "en": {
        "document": "Decision",
        "subject": "Decision: {round}",
        "greeting": "Dear {name},",
        "greeting_plain": "Dear applicant,",
        "accepted": "your application \u201c{title}\u201d in {round} has been accepted.",
        "rejected": "we regret that your application \u201c{title}\u201d in {round} could not be accepted.",
        "date": "Date",
        "round": "Call",
        "application": "Application",
        "decision": "Decision",
        "state.accepted": "Accepted",
        "state.rejected": "Rejected",
        "reasoning": "Reasoning",
        "closing": "Kind regards",
    },
}


def words(language):
    return TEXTS.get(language) or TEXTS["fi"]


def _escaped(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text):
    """Free text as paragraph markup: escaped, its line breaks kept."""
    return "<br/>".join(_escaped(line) for line in str(text).splitlines())


FILE_WORDS = {"fi": "paatos", "sv": "beslut", "en": "decision"}  # ASCII: a header's file name


def plain_text(letter, applicant_name):
    """The letter as plain text in the same words: the subject, the date, the greeting, the decision, the
    coordinator's note and the closing."""
    language = letter["language"] if letter["language"] in TEXTS else "fi"
    w = words(language)
    greeting = w["greeting"].format(name=applicant_name) if applicant_name else w["greeting_plain"]
    lines = [
        w["subject"].format(round=letter["round_name"]),
        formatting.format_date(letter.get("decided_at"), language) if letter.get("decided_at") else "",
        "",
        greeting,
        "",
        w[letter["state"]].format(title=letter.get("title") or "", round=letter["round_name"]),
    ]
    note = (letter.get("note") or "").strip()
    if note:
        lines += ["", note]
    lines += ["", w["closing"]]
    return "\n".join(lines) + "\n"


def filename(letter):
    return f"{FILE_WORDS.get(letter['language'], 'paatos')}-{letter['application_id'][:8]}.pdf"


def render(letter, applicant_name, organisation):
    """The PDF's bytes. ``letter``: decision_letter's answer (language, round_name, title, state, note,
    decided_at); ``applicant_name``: who it is addressed to ("" when not known); ``organisation``: the
    organisation's name at the top."""
    regular, bold = fonts()
    language = letter["language"] if letter["language"] in TEXTS else "fi"
    w = words(language)
    styles = {
        "org": ParagraphStyle("org", fontName=bold, fontSize=13, leading=16),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=16, leading=20, spaceBefore=14, spaceAfter=10
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=15, spaceAfter=6),
        "head": ParagraphStyle("head", fontName=bold, fontSize=10.5, leading=15, spaceBefore=6),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=10, leading=13),
        "label": ParagraphStyle("label", fontName=bold, fontSize=10, leading=13),
    }
    day = formatting.format_date(letter.get("decided_at"), language)
    title = letter.get("title") or ""
    facts = [
        (w["date"], day),
        (w["round"], letter["round_name"]),
        (w["application"], title or "–"),
        (w["decision"], w[f"state.{letter['state']}"]),
    ]
    table = Table(
        [[Paragraph(_escaped(k), styles["label"]), Paragraph(_escaped(v), styles["cell"])] for k, v in facts],
        colWidths=[40 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    greeting = w["greeting"].format(name=applicant_name) if applicant_name else w["greeting_plain"]
    story = [
        Paragraph(_escaped(organisation), styles["org"]),
        Paragraph(_escaped(w["subject"].format(round=letter["round_name"])), styles["title"]),
        table,
        Spacer(1, 8 * mm),
        Paragraph(_escaped(greeting), styles["body"]),
        Paragraph(
            _escaped(w[letter["state"]].format(title=title, round=letter["round_name"])), styles["body"]
        ),
    ]
    note = (letter.get("note") or "").strip()
    if note:
        story += [
            Paragraph(_escaped(w["reasoning"]), styles["head"]),
            Paragraph(_lines(note), styles["body"]),
        ]
    story += [
        Spacer(1, 6 * mm),
        Paragraph(_escaped(w["closing"]), styles["body"]),
        Paragraph(_escaped(organisation), styles["body"]),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=w["subject"].format(round=letter["round_name"]),
        author=organisation,
        invariant=1,
    )
    document.build(story)
    return out.getvalue()
