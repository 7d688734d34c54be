"""Issue 18: background work does not steal from users. Every timer of every process ``piiri run`` starts
is listed here with the process that runs it; a new timer in a process that answers staff fails this test
until it is moved to a worker or listed below with the reason it stays.

Moved to workers: the contacts service's six (ContactsWorker), the imports service's data expiry
(ImportWorker) and the exports service's file expiry (ExportWorker). Still in a service process, each
light and guarded (see the reasons): the audit service's late dead letters, surveys' scheduled sync,
mailing's subscription purge and billing's four."""

import importlib

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.timer import Timer

from piiri_cli.cli import SERVICE_CLASSES

WORKERS = {name for name in SERVICE_CLASSES if name.endswith("_worker")}
# Timers that stay in a process answering staff, and why.
STAYING = {
    "audit": {
        # every 5 minutes a passive count of the dead letters; only when some wait, a look for erased people
        "erase_late_dead_letters",
    },
    "surveys": {
        # only when SURVEY_SYNC_SECONDS is set: pulls LimeSurvey responses (surveys has no worker yet)
        "scheduled_sync",
    },
    "mailing": {
        # every minute one transaction deleting expired pending subscriptions (M5)
        "purge_subscriptions",
    },
    "billing": {
        # each a short look for due work (advisory lock or SKIP LOCKED). Not yet moved to billing_worker:
        # hand_over_emails (every second, batches of e-mailed invoices to mailing) is the heaviest of them
        # during an invoice run by e-mail; retention_timer deletes in batches once a day
        "follow_einvoices",
        "hand_over_emails",
        "retention_timer",
        "retry_reminder_einvoices_due",
    },
}


def timers_of(path):
    module, name = path.split(":")
    cls = getattr(importlib.import_module(module), name)
    return {
        attribute
        for attribute in dir(cls)
        for entrypoint in getattr(getattr(cls, attribute), ENTRYPOINT_EXTENSIONS_ATTR, ())
        if isinstance(entrypoint, Timer)
    }


@pytest.mark.parametrize("service", sorted(set(SERVICE_CLASSES) - WORKERS))
def test_a_process_answering_staff_runs_only_the_listed_timers(service):
    assert timers_of(SERVICE_CLASSES[service]) == STAYING.get(service, set())


def test_the_moved_timers_run_in_the_workers():
    assert {
        "scan_duplicates",
        "automations_date_timer",
        "birthday_reminder_timer",
        "dashboard_refresh_timer",
        "resend_stalled_erasures",
        "heal_search_words",
    } <= timers_of(SERVICE_CLASSES["contacts_worker"])
    assert "expire_data" in timers_of(SERVICE_CLASSES["import_worker"])
    assert "expire_files" in timers_of(SERVICE_CLASSES["export_worker"])
