"""The words the mailing service writes itself for subscription forms (M3), in fi, sv and en: the
confirmation mail and the consent text a new form starts with (staff change it on the list's page)."""

CONFIRM_MAIL = {
    "fi": {
        "subject": "Vahvista tilauksesi: {list}",
        "body": (
            "Hei,\n\n"
            "joku (toivottavasti sinä) tilasi tällä osoitteella postituslistan {list}.\n\n"
            "Vahvista tilaus avaamalla linkki:\n{link}\n\n"
            "Linkki toimii kerran ja vanhenee {until}. Jos et tilannut listaa, voit jättää tämän viestin "
            "huomiotta: osoitettasi ei lisätä listalle.\n\n"
            "Terveisin\n{sender}\n"
        ),
    },
    "sv": {
        "subject": "Bekräfta din prenumeration: {list}",
        "body": (
            "Hej,\n\n"
            "någon (förhoppningsvis du) prenumererade på e-postlistan {list} med den här adressen.\n\n"
            "Bekräfta prenumerationen genom att öppna länken:\n{link}\n\n"
            "Länken fungerar en gång och går ut {until}. Om du inte prenumererade kan du strunta i det här "
            "meddelandet: din adress läggs inte till på listan.\n\n"
            "Med vänliga hälsningar\n{sender}\n"
        ),
    },
    "en": {
        "subject": "Confirm your subscription: {list}",
        "body": (
            "Hello,\n\n"
            "someone (hopefully you) subscribed to the mailing list {list} with this address.\n\n"
            "Confirm the subscription by opening the link:\n{link}\n\n"
            "The link works once and expires on {until}. If you did not subscribe, you can ignore this "
            "message: your address is not added to the list.\n\n"
            "Best regards\n{sender}\n"
        ),
    },
}

DEFAULT_CONSENT = {
    "fi": (
        "Haluan vastaanottaa postituslistan {name} viestejä sähköpostiini. Voin perua tilauksen milloin "
        "tahansa jokaisen viestin lopussa olevasta linkistä."
    ),
    "sv": (
        "Jag vill få meddelanden från e-postlistan {name} till min e-post. Jag kan avsluta prenumerationen "
        "när som helst via länken i slutet av varje meddelande."
    ),
    "en": (
        "I want to receive the mailing list {name} by e-mail. I can unsubscribe at any time from the link "
        "at the end of every message."
    ),
}
