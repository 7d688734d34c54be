"""The words of an invoice e-mail (B3) in the payer's language (fi, sv, en): subject and body with the
invoice number, total, due date, reference and IBAN. Made by billing, like the PDF (documents/texts.py)."""

INVOICE_MAIL = {
    "fi": {
        "subject": "Lasku {number} – {payee}",
        "body": (
            "Hei {name},\n\n"
            "liitteenä on laskunne {number} (PDF).\n\n"
            "Maksettava yhteensä: {total}\n"
            "Eräpäivä: {due}\n"
            "Viitenumero: {reference}\n"
            "Saajan tilinumero (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Saaja: {payee}\n\n"
            "Käytättehän maksaessanne viitenumeroa.\n\n"
            "Ystävällisin terveisin\n{payee}\n"
        ),
    },
    "sv": {
        "subject": "Faktura {number} – {payee}",
        "body": (
            "Hej {name},\n\n"
            "bifogat finns er faktura {number} (PDF).\n\n"
            "Att betala: {total}\n"
            "Förfallodag: {due}\n"
            "Referensnummer: {reference}\n"
            "Mottagarens kontonummer (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Mottagare: {payee}\n\n"
            "Vänligen använd referensnumret när ni betalar.\n\n"
            "Med vänliga hälsningar\n{payee}\n"
        ),
    },
    "en": {
        "subject": "Invoice {number} – {payee}",
        "body": (
            "Hello {name},\n\n"
            "please find attached your invoice {number} (PDF).\n\n"
            "Total due: {total}\n"
            "Due date: {due}\n"
            "Reference: {reference}\n"
            "Payee's account (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Payee: {payee}\n\n"
            "Please use the reference when you pay.\n\n"
            "Kind regards\n{payee}\n"
        ),
    },
}
