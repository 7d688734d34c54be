"""Issue 18: background work does not steal from users. The contacts processes that answer staff
(ContactsService) run no timer and no automation handler; the contacts worker (ContactsWorker) runs every
one of them and serves no RPC."""

from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.messaging import Consumer
from nameko.rpc import Rpc
from nameko.timer import Timer

from piiri.messaging import KeptQueueEventHandler
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker

BACKGROUND_TIMERS = {
    "scan_duplicates",
    "automations_date_timer",
    "birthday_reminder_timer",
    "dashboard_refresh_timer",
    "resend_stalled_erasures",
    "heal_search_words",
}
AUTOMATION_HANDLERS = {
    "automations_on_member_joined",
    "automations_on_member_left",
    "automations_on_membership_paid_changed",
}


def entrypoints(service_class, kind):
    found = set()
    for name in dir(service_class):
        for entrypoint in getattr(getattr(service_class, name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, kind):
                found.add(name)
    return found


def test_the_contacts_service_runs_no_timer_and_no_automation():
    assert entrypoints(ContactsService, Timer) == set()
    assert not entrypoints(ContactsService, EventHandler) & AUTOMATION_HANDLERS
    for name in BACKGROUND_TIMERS | AUTOMATION_HANDLERS:
        assert not hasattr(ContactsService, name), f"ContactsService still has {name}"
    # what it still consumes: the erasure reports and billing's invoice events (paid-up membership)
    assert entrypoints(ContactsService, Consumer) == {
        "on_erasure_report",
        "paid_membership_on_invoice_paid",
        "paid_membership_on_invoice_credited",
    }


def test_the_contacts_worker_runs_them_all_and_serves_no_rpc():
    assert entrypoints(ContactsWorker, Timer) == BACKGROUND_TIMERS
    assert entrypoints(ContactsWorker, KeptQueueEventHandler) == AUTOMATION_HANDLERS
    assert entrypoints(ContactsWorker, Consumer) == AUTOMATION_HANDLERS
    assert entrypoints(ContactsWorker, Rpc) == set()
    assert ContactsWorker.name == "contacts_worker"
