"""Words of the PDF layout exports (I2) in Finnish and English: the options of address labels, name cards
and PDF lists on the export page, their sheet choices, and their option errors in Finnish."""

import re

from gateway.i18n import add_messages, add_service_messages
from services.exports.contract.sheets import CARD_SHEETS, LABEL_SHEETS


def _sheet_choices(sheets, word_fi, word_en):
    fi, en = {}, {}
    for key, sheet in sheets.items():
        size = f"{sheet.width:g} × {sheet.height:g} mm".replace(".", ",")
        maker = f", {sheet.note}" if sheet.note else ""
        fi[f"exp.choice.sheet.{key}"] = f"{sheet.columns}×{sheet.rows} {word_fi} ({size}{maker})"
        en[f"exp.choice.sheet.{key}"] = (
            f"{sheet.columns}×{sheet.rows} {word_en} ({sheet.width:g} × {sheet.height:g} mm{maker})"
        )
    return fi, en


_labels_fi, _labels_en = _sheet_choices(LABEL_SHEETS, "tarraa", "labels")
_cards_fi, _cards_en = _sheet_choices(CARD_SHEETS, "korttia", "cards")

add_messages(
    {
        "fi": {
            "exp.opt.sheet": "Arkki",
            "exp.opt.top_mm": "Yläreuna (mm, tyhjä = arkin oma)",
            "exp.opt.left_mm": "Vasen reuna (mm, tyhjä = arkin oma)",
            "exp.opt.skip": "Käytettyjä paikkoja ensimmäisellä arkilla (ohitetaan)",
            "exp.opt.font_size": "Kirjasinkoko (pt)",
            "exp.opt.honorific": "Arvonimi nimen eteen",
            "exp.opt.job_title": "Titteli nimen alle",
            "exp.opt.organisation": "Organisaatio nimen alle",
            "exp.opt.one_per_couple": "Pariskunnalle yksi tarra (esim. Anna ja Matti Virtanen)",
            "exp.opt.address_kind": "Osoite",
            "exp.opt.outline": "Tarrojen reunaviivat (koetulostus)",
            "exp.opt.event_title": "Tilaisuuden nimi korttien yläreunaan",
            "exp.opt.qr": "QR-koodi käyntikortista (nimi, organisaatio, titteli, sähköposti, puhelin)",
            "exp.opt.name_size": "Nimen kirjasinkoko (pt)",
            "exp.opt.cut_marks": "Leikkausmerkit",
            "exp.opt.title": "Otsikko",
            "exp.opt.orientation": "Sivun suunta",
            "exp.choice.address_kind.primary": "Ensisijainen",
            "exp.choice.address_kind.home": "Koti",
            "exp.choice.address_kind.work": "Työ",
            "exp.choice.address_kind.postal": "Postiosoite",
            "exp.choice.address_kind.billing": "Laskutus",
            "exp.choice.address_kind.other": "Muu",
            "exp.choice.orientation.auto": "Automaattinen (vaaka, kun sarakkeita on yli 7)",
            "exp.choice.orientation.portrait": "Pysty",
            "exp.choice.orientation.landscape": "Vaaka",
            "exp.err.sheet_skip": "{kind}-arkilla on {n} paikkaa: ohita enintään {most}.",
            "exp.err.margin_left": "Vasen reuna voi olla {kind}-arkilla enintään {most} mm; muuten tarrat "
            "menevät yli sivun.",
            "exp.err.margin_top": "Yläreuna voi olla {kind}-arkilla enintään {most} mm; muuten tarrat "
            "menevät yli sivun.",
            **_labels_fi,
            **_cards_fi,
        },
        "en": {
            "exp.opt.sheet": "Sheet",
            "exp.opt.top_mm": "Top margin (mm, empty = the sheet's)",
            "exp.opt.left_mm": "Left margin (mm, empty = the sheet's)",
            "exp.opt.skip": "Places already used on the first sheet (skipped)",
            "exp.opt.font_size": "Font size (pt)",
            "exp.opt.honorific": "Honorific before the name",
            "exp.opt.job_title": "Job title under the name",
            "exp.opt.organisation": "Organisation under the name",
            "exp.opt.one_per_couple": "One label per couple (e.g. Anna and Matti Virtanen)",
            "exp.opt.address_kind": "Address",
            "exp.opt.outline": "Label outlines (test print)",
            "exp.opt.event_title": "Event name at the top of the cards",
            "exp.opt.qr": "QR code of a business card (name, organisation, title, e-mail, phone)",
            "exp.opt.name_size": "Font size of the name (pt)",
            "exp.opt.cut_marks": "Cut marks",
            "exp.opt.title": "Title",
            "exp.opt.orientation": "Page orientation",
            "exp.choice.address_kind.primary": "Primary",
            "exp.choice.address_kind.home": "Home",
            "exp.choice.address_kind.work": "Work",
            "exp.choice.address_kind.postal": "Postal",
            "exp.choice.address_kind.billing": "Billing",
            "exp.choice.address_kind.other": "Other",
            "exp.choice.orientation.auto": "Automatic (landscape for more than 7 columns)",
            "exp.choice.orientation.portrait": "Portrait",
            "exp.choice.orientation.landscape": "Landscape",
            "exp.err.sheet_skip": "A {kind} sheet has {n} places: skip at most {most}.",
            "exp.err.margin_left": "The left margin can be at most {most} mm for {kind} labels; otherwise "
            "the labels fall off the page.",
            "exp.err.margin_top": "The top margin can be at most {most} mm for {kind} labels; otherwise "
            "the labels fall off the page.",
            **_labels_en,
            **_cards_en,
        },
    }
)

add_service_messages(
    (
        (
            re.compile(
                r"^A (?P<kind>\S+) sheet has (?P<n>\d+) (labels|cards): skip at most (?P<most>\d+)\.$"
            ),
            "exp.err.sheet_skip",
        ),
        (
            re.compile(r"^The left margin can be at most (?P<most>[\d.]+) mm for (?P<kind>\S+) labels\."),
            "exp.err.margin_left",
        ),
        (
            re.compile(r"^The top margin can be at most (?P<most>[\d.]+) mm for (?P<kind>\S+) labels\."),
            "exp.err.margin_top",
        ),
    )
)
