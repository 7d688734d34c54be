"""Round birthdays (C13): RPC methods of ContactsService and the daily reminder of ContactsWorker.

Reading the list needs ``contacts.view`` and is audited as one read naming every contact shown;
changing the settings needs ``users.manage``; the reminder runs as the system, once a day.
"""

import logging

from marshmallow import ValidationError
from nameko.rpc import rpc
from nameko.timer import timer

from piiri import clock
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts import scopes
from services.contacts.birthdays import rules, storage
from services.contacts.birthdays.contract import (
    BirthdaySettings,
    BirthdaySettingsInput,
    UpcomingBirthday,
)
from services.contacts.contract import SUMMARY_FIELDS
from services.contacts.core import ContactsCore
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.validation.contract import invalid

log = logging.getLogger(__name__)

MANAGE = "users.manage"
REMINDER_INTERVAL = 600  # seconds; the reminder itself goes out once per day
SETTINGS = BirthdaySettings()
ITEM = UpcomingBirthday()
SETTING_FIELDS = ("round_ages", "horizon_days", "important_filters")


def important_conditions(filters, field="important_filters"):
    """The search conditions of the important filters; a bad filter is named under ``field``."""
    try:
        return SEARCH_FILTERS.conditions(filters)
    except ValidationFailed as exc:
        details = {
            f"{field}.{name}" if name != "filters" else field: messages
            for name, messages in (exc.details or {}).items()
        }
        raise ValidationFailed(f"{field}: {exc.message}", details) from None


def loaded_settings(data):
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        values = BirthdaySettingsInput().load(data)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None
    values["round_ages"] = rules.check_round_ages(values["round_ages"])
    important_conditions(values["important_filters"])
    return values


class BirthdaysWork(ContactsCore):
    """C13's part shared by the service and its worker: the list of upcoming round birthdays and the
    day's reminder (no entrypoints of its own)."""

    def _birthdays_list(self, session, settings, day, horizon_days, actor=SYSTEM):
        ranges = rules.birth_ranges(day, horizon_days, settings["round_ages"])
        conditions = important_conditions(settings["important_filters"]) + scopes.conditions(session, actor)
        return storage.upcoming(session, ranges, conditions, rules.LIST_LIMIT)

    def send_birthday_reminder(self, day=None):
        """Publish ``birthday_reminder`` for ``day`` (today) once, whatever the number of instances:
        the day's row in birthday_reminders and the event commit together, or neither. True if sent."""
        self.context.act_as(SYSTEM)
        day = day or clock.today()
        with self.db.transaction() as session:
            settings = storage.get_settings(session)
            horizon = settings["horizon_days"]
            items = self._birthdays_list(session, settings, day, horizon)
            ids = list(dict.fromkeys(item["id"] for item in items))
            if not storage.claim_reminder_day(session, day, ids):
                return False
            if items:
                self.audit.write(
                    self.outbox,
                    session,
                    SYSTEM,
                    "contact.birthday_reminder_sent",
                    "contact",
                    ids,
                    fields=("birthday", "age"),
                    details={"day": day.isoformat(), "horizon_days": horizon},
                )
            self.outbox.event(
                session,
                "birthday_reminder",
                {
                    "day": day.isoformat(),
                    "horizon_days": horizon,
                    "contacts": [
                        {
                            "contact_id": str(item["id"]),
                            "birthday": item["birthday"].isoformat(),
                            "age": item["age"],
                        }
                        for item in items
                    ],
                },
            )
        self.outbox.flush()
        return True


class BirthdayReminder(BirthdaysWork):
    """C13's daily reminder, run by the contacts worker (services/contacts/worker.py); the day's row in
    birthday_reminders keeps it to one reminder a day whatever the number of instances."""

    @timer(interval=REMINDER_INTERVAL)
    def birthday_reminder_timer(self):
        """Every ten minutes: send today's reminder unless some instance already did."""
        try:
            return self.send_birthday_reminder()
        except Exception:
            log.exception("birthday reminder failed; the next tick tries again")
            return False


class BirthdaysRpc(BirthdaysWork):
    """Upcoming round birthdays of important contacts and their settings (C13)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def upcoming_birthdays(self, horizon_days=None):
        """Round birthdays of important contacts from today to today + horizon (the settings' horizon
        unless given), in date then name order, at most 500; one audit read names every contact shown."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        settings = storage.get_settings(session)
        horizon = rules.horizon(horizon_days, settings["horizon_days"])
        day = clock.today()
        items = self._birthdays_list(session, settings, day, horizon, actor)
        session.rollback()
        if items:
            self.audit.read(
                actor,
                "contact.birthdays_listed",
                "contact",
                list(dict.fromkeys(item["id"] for item in items)),
                fields=(*SUMMARY_FIELDS, "birthday", "age"),
                details={"horizon_days": horizon, "from": day.isoformat()},
            )
        return {
            "items": ITEM.dump(items, many=True),
            "from": day.isoformat(),
            "to": rules.window_end(day, horizon).isoformat(),
            "horizon_days": horizon,
            "settings": SETTINGS.dump(settings),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_birthday_settings(self):
        """The round ages, the horizon and the important filters (no personal data)."""
        self.context.require("contacts.view")
        settings = storage.get_settings(self.db.session)
        self.db.session.rollback()
        return SETTINGS.dump(settings)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_birthday_settings(self, data):
        """Replace the settings (needs users.manage); audited, event ``birthday_settings_changed``."""
        actor = self.context.require(MANAGE)
        values = loaded_settings(data)
        with self.db.transaction() as session:
            current = storage.get_settings(session, for_update=True)
            changed = sorted(name for name in SETTING_FIELDS if current[name] != values[name])
            if not changed:
                return SETTINGS.dump(current)
            settings = storage.update_settings(session, values)
            self.audit.write(
                self.outbox,
                session,
                actor,
                "birthday_settings.changed",
                "settings",
                ["birthdays"],
                fields=changed,
                details={name: values[name] for name in changed},
            )
            self.outbox.event(
                session,
                "birthday_settings_changed",
                {"changed_fields": changed, "settings": SETTINGS.dump(settings)},
            )
        self.outbox.flush()
        return SETTINGS.dump(settings)
