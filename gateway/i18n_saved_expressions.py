"""Words of saved advanced searches (C4) in Finnish and English: saving an expression from the advanced
search page, opening and updating it, and showing it in words on the saved searches list."""

from gateway.i18n import add_messages

add_messages(
    {
        "fi": {
            "as.save_name": "Tallenna haku nimellä",
            "as.save_submit": "Tallenna haku",
            "as.update_saved": "Päivitä tallennettu haku ”{name}”",
            "as.saved_search": "Tallennettu haku: {name}",
            "as.saved_as_text": "Ehdot:",
            "as.expr.and": "JA",
            "as.expr.or": "TAI",
            "as.expr.not": "EI",
            "ss.advanced": "Tarkennettu",
        },
        "en": {
            "as.save_name": "Save this search as",
            "as.save_submit": "Save search",
            "as.update_saved": "Update saved search “{name}”",
            "as.saved_search": "Saved search: {name}",
            "as.saved_as_text": "Conditions:",
            "as.expr.and": "AND",
            "as.expr.or": "OR",
            "as.expr.not": "NOT",
            "ss.advanced": "Advanced",
        },
    }
)
