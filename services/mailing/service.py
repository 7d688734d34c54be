"""Nameko entrypoints of the mailing service (M1, M5): mailing lists that follow a group or a saved search,
their consent-gated audiences, full syncs (run by MailingWorker, worker.py) and incremental ones (queued by
contact events), bounce and unsubscribe flags from Campaign Monitor's webhooks, and the person's part of
the access report and the erasure. Thin: the feature folders hold the rest."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database
from piiri.errors import EXPECTED_ERRORS
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.mailing import models
from services.mailing.erasure import MailingErasure
from services.mailing.flags.rpc import FlagsRpc
from services.mailing.lists.rpc import ListsRpc
from services.mailing.sync.events import IncrementalSyncEvents
from services.mailing.sync.queue import OUTBOX_CHANNELS


class MailingService(ListsRpc, FlagsRpc, IncrementalSyncEvents, MailingErasure):
    name = "mailing"

    db = Database("mailing")
    context = Context()
    audit = AuditTrail("mailing")
    outbox = Outbox("mailing", models.outbox, channels=OUTBOX_CHANNELS)
    config = Config()
    contacts = RpcProxy("contacts")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        session = self.db.session
        session.execute(models.mailing_lists.select().limit(0))
        session.rollback()
        return "pong"
