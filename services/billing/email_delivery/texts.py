"""The words of an invoice e-mail (B3) and of a payment reminder e-mail (B4) in the payer's language (fi,
sv, en): subject and body with the invoice number, total (a reminder's: the new total), due date,
reference and IBAN. Made by billing, like the PDF (documents/texts.py)."""

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

# The words of a payment reminder e-mail (B4): the reminder PDF attached, the new total (the invoice's open
# amount with the reminder's fee and interest) and the new due date.
REMINDER_MAIL = {
    "fi": {
        "subject": "Maksumuistutus – lasku {number} – {payee}",
        "body": (
            "Hei {name},\n\n"
            "laskuanne {number} ei ole vielä maksettu. Liitteenä on maksumuistutus (PDF).\n\n"
            "Maksettava yhteensä: {total}\n"
            "Uusi eräpäivä: {due}\n"
            "Viitenumero: {reference}\n"
            "Saajan tilinumero (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Saaja: {payee}\n\n"
            "Jos olette jo maksaneet laskun, tämä muistutus on aiheeton.\n\n"
            "Ystävällisin terveisin\n{payee}\n"
        ),
    },
    "sv": {
        "subject": "Betalningspåminnelse – faktura {number} – {payee}",
        "body": (
            "Hej {name},\n\n"
            "er faktura {number} är ännu inte betald. Bifogat finns en betalningspåminnelse (PDF).\n\n"
            "Att betala: {total}\n"
            "Ny förfallodag: {due}\n"
            "Referensnummer: {reference}\n"
            "Mottagarens kontonummer (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Mottagare: {payee}\n\n"
            "Om ni redan har betalat fakturan kan ni bortse från denna påminnelse.\n\n"
            "Med vänliga hälsningar\n{payee}\n"
        ),
    },
    "en": {
        "subject": "Payment reminder – invoice {number} – {payee}",
        "body": (
            "Hello {name},\n\n"
            "your invoice {number} has not been paid yet. Please find attached a payment reminder (PDF).\n\n"
            "Total due: {total}\n"
            "New due date: {due}\n"
            "Reference: {reference}\n"
            "Payee's account (IBAN): {iban}\n"
            "BIC: {bic}\n"
            "Payee: {payee}\n\n"
            "If you have already paid the invoice, please disregard this reminder.\n\n"
            "Kind regards\n{payee}\n"
        ),
    },
}
