"""The round-birthday feature's words (C13) in Finnish and English, and its service messages."""

import re

from gateway.i18n import add_messages, add_service_messages

add_messages(
    {
        "fi": {
            "nav.dashboard": "Etusivu",
            "bd.dashboard_title": "Etusivu",
            "bd.title": "Tulevat merkkipäivät",
            "bd.intro": "Tärkeiden henkilöiden tasavuosisyntymäpäivät seuraavien {days} päivän aikana.",
            "bd.turns": "Täyttää {age} v. {day}",
            "bd.today": "tänään",
            "bd.none": "Ei merkkipäiviä lähiaikoina.",
            "bd.settings_link": "Merkkipäivien asetukset",
            "bd.settings_title": "Merkkipäivien asetukset",
            "bd.settings_intro": "Mitkä iät ovat merkkipäiviä, kuinka pitkälle eteenpäin katsotaan ja "
            "keiden merkkipäivät näytetään. Muistutus lähtee kerran päivässä.",
            "bd.round_ages": "Tasavuodet",
            "bd.round_ages_hint": "Iät pilkulla erotettuina, esim. 50, 60, 70, 75, 80.",
            "bd.horizon_days": "Kuinka monta päivää eteenpäin",
            "bd.important": "Keiden merkkipäivät",
            "bd.everyone": "Kaikki henkilöt",
            "bd.group": "Ryhmän jäsenet (alaryhmineen)",
            "bd.saved_search": "Tallennetun haun rajaukset",
            "bd.custom_filters": "Muut rajaukset: {filters}",
            "bd.save": "Tallenna",
            "bd.saved": "Asetukset tallennettiin.",
            "bd.choose": "Valitse…",
            "bd.err_ages": "Anna iät kokonaislukuina 1–130, kukin kerran.",
            "bd.err_horizon": "Anna päivien määrä 1–366.",
            "bd.err_twice": "Sama ikä on annettu useammin kuin kerran: {ages}.",
            "action.contact.birthdays_listed": "näki merkkipäivälistalla",
            "action.contact.birthday_reminder_sent": "lähetti merkkipäivämuistutuksen",
        },
        "en": {
            "nav.dashboard": "Home",
            "bd.dashboard_title": "Home",
            "bd.title": "Upcoming round birthdays",
            "bd.intro": "Round birthdays of important people in the next {days} days.",
            "bd.turns": "Turns {age} on {day}",
            "bd.today": "today",
            "bd.none": "No round birthdays coming up.",
            "bd.settings_link": "Birthday settings",
            "bd.settings_title": "Round birthday settings",
            "bd.settings_intro": "Which ages are round birthdays, how far ahead to look and whose birthdays "
            "to show. A reminder goes out once a day.",
            "bd.round_ages": "Round ages",
            "bd.round_ages_hint": "Ages separated by commas, e.g. 50, 60, 70, 75, 80.",
            "bd.horizon_days": "Days ahead",
            "bd.important": "Whose birthdays",
            "bd.everyone": "Every person",
            "bd.group": "Members of a group (with subgroups)",
            "bd.saved_search": "The filters of a saved search",
            "bd.custom_filters": "Other filters: {filters}",
            "bd.save": "Save",
            "bd.saved": "Settings saved.",
            "bd.choose": "Choose…",
            "bd.err_ages": "Give the ages as whole numbers 1–130, each once.",
            "bd.err_horizon": "Give a number of days from 1 to 366.",
            "bd.err_twice": "The same age is given more than once: {ages}.",
            "action.contact.birthdays_listed": "saw on the round birthday list",
            "action.contact.birthday_reminder_sent": "sent a round birthday reminder",
        },
    }
)

add_service_messages(
    (
        (re.compile(r"^Given more than once: (?P<ages>[\d, ]+)\.$"), "bd.err_twice"),
        (re.compile(r"^Must be a whole number from 1 to 366\.$"), "bd.err_horizon"),
    )
)
