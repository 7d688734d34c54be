"""The mailing service (M1-M5): its features, listed once (FEATURES). Mailing lists that follow a group or
a saved search, their consent-gated audiences, full syncs (run by MailingWorker, worker.py) and incremental
ones (queued by contact events), bounce and unsubscribe flags from Campaign Monitor's webhooks, the person's
part of the access report and the erasure, transactional mail through SMTP (B3: the queue, the message log,
DSN bounces; sent by MailingWorker), subscription forms with double opt-in (M3), editable mail templates in
MJML with sandboxed merge fields (M2), and campaigns made from them for one or more lists: preview for a
contact, test sends, send now or at a time, unschedule, the per-recipient ledger of who it was sent to, and
the report pulled from Campaign Monitor (M1, M4; sent by MailingWorker). Thin: the feature folders hold the
rest; every feature subclasses MailingCore (core.py). tests/unit/test_service_composition.py enforces it."""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS
from services.mailing import models
from services.mailing.campaigns.rpc import CampaignsRpc
from services.mailing.core import MailingCore
from services.mailing.erasure import MailingErasure
from services.mailing.flags.rpc import FlagsRpc
from services.mailing.lists.rpc import ListsRpc
from services.mailing.mail_templates.rpc import TemplatesRpc
from services.mailing.subscriptions.rpc import SubscriptionsRpc
from services.mailing.sync.events import IncrementalSyncEvents
from services.mailing.transactional.rpc import TransactionalMailRpc


class PingRpc(MailingCore):
    """The health check's ping: the service answers and reaches its database."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        session = self.db.session
        session.execute(models.mailing_lists.select().limit(0))
        session.rollback()
        return "pong"


# The features of the mailing service, in one place: the service is exactly these (and so are its RPC
# methods and event handlers).
FEATURES = (
    PingRpc,
    ListsRpc,
    FlagsRpc,
    TemplatesRpc,
    CampaignsRpc,
    TransactionalMailRpc,
    IncrementalSyncEvents,
    MailingErasure,
    SubscriptionsRpc,
)


class MailingService(*FEATURES):  # type: ignore[misc]
    name = "mailing"
