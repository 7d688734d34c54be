"""ContactsWorker: the contacts service's background work, in its own process (issue 18: background work
does not steal from users).

The processes that answer staff (``piiri run --services contacts``) run RPCs, the erasure reports and
the billing events only; everything the contacts service does on its own clock or on its own events
runs here, as ``piiri run --services contacts_worker`` (deploy/ runs it as its own process, `make run`
with the rest): the duplicate scan (C11), group automations (C8: the membership events' handlers and
the date timer), the daily birthday reminder (C13), the dashboard's counts (issue 13 item 2), stalled
erasures sent again and the search vocabulary's repair (G4). It uses the contacts database and outbox
like the service (ContactsCore); each job keeps the guard it had there (a row lock, an advisory lock or
a unique key), so any number of workers may run. The composition rules of the service apply:
tests/unit/test_service_composition.py checks WORKER_FEATURES as it checks FEATURES.
"""

from services.contacts.automations.rpc import AutomationsRunner
from services.contacts.birthdays.rpc import BirthdayReminder
from services.contacts.dashboard.rpc import DashboardRefresh
from services.contacts.erasure.rpc import ErasureUpkeep
from services.contacts.merge.rpc import MergeScanner

# The background features, in one place: the worker is exactly these (and so are its timers and handlers).
WORKER_FEATURES = (
    MergeScanner,
    AutomationsRunner,
    BirthdayReminder,
    DashboardRefresh,
    ErasureUpkeep,
)


class ContactsWorker(*WORKER_FEATURES):  # type: ignore[misc]
    name = "contacts_worker"
