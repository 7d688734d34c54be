"""The demo installation ``make run`` starts: a member survey with participants' questions (name, e-mail,
phone, city, birth date) and a few responses, one anonymised feedback survey, user admin/password."""

from emulators.limesurvey.state import Installation

DEMO_USER = ("admin", "password")
MEMBER_SURVEY = 123456
FEEDBACK_SURVEY = 234567


def demo_installation():
    installation = Installation(users={DEMO_USER[0]: DEMO_USER[1]})
    installation.add_survey(
        MEMBER_SURVEY,
        "Jäsenkysely 2026",
        questions=[
            ("etunimi", "Etunimi"),
            ("sukunimi", "Sukunimi"),
            ("sposti", "Sähköposti"),
            ("puhelin", "Puhelin"),
            ("kunta", "Kotikunta"),
            ("syntynyt", "Syntymäaika", "D"),
            ("palaute", "Terveisiä hallitukselle", "T"),
        ],
        attributes=3,
    )
    answers = [
        {
            "etunimi": "Aino",
            "sukunimi": "Lahtinen",
            "sposti": "aino.lahtinen@example.org",
            "kunta": "Tampere",
            "syntynyt": "1984-03-02 00:00:00",
            "palaute": "Hyvä vuosi!",
        },
        {
            "etunimi": "Veikko",
            "sukunimi": "Saarinen",
            "sposti": "veikko.saarinen@example.org",
            "kunta": "Turku",
            "puhelin": "040 123 4567",
            "palaute": "Lisää retkiä.",
        },
    ]
    for answer in answers:
        installation.submit_response(MEMBER_SURVEY, answer)
    installation.add_survey(
        FEEDBACK_SURVEY, "Nimetön palaute", anonymized=True, questions=[("arvio", "Arvosana 1-5", "L")]
    )
    installation.submit_response(FEEDBACK_SURVEY, {"arvio": "5"})
    return installation
