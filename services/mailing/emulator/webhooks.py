"""Delivery of the emulator's webhook events as Campaign Monitor sends them: per list, a JSON POST of
``{"Events": [...], "ListID": ...}`` with up to 1,000 events, to every active webhook of the list that
asked for the event's type. Unsigned, as the real ones. Events a webhook could not take are sent again
on the next round; after ``deactivate_after`` failed rounds in a row the webhook is switched off (Status
``Unactive``), as Campaign Monitor does after a week of errors.
"""

import json
import logging
import threading
import urllib.request

log = logging.getLogger(__name__)

MAX_EVENTS_PER_POST = 1000


class WebhookDeliverer:
    def __init__(self, account, deactivate_after=5, timeout=5.0):
        self.account = account
        self.deactivate_after = deactivate_after
        self.timeout = timeout
        self.pending = {}  # webhook id -> (list id, url, [events])
        self.failures = {}  # webhook id -> failed rounds in a row
        self.lock = threading.Lock()  # the timer and the control API deliver one round at a time

    def deliver(self):
        """Send what is queued; the number of events delivered."""
        with self.lock:
            return self._round()

    def _round(self):
        for list_id, event in self.account.take_webhook_events():
            with self.account.lock:
                found = self.account.lists.get(list_id)
                hooks = list(found.webhooks.values()) if found else []
            for hook in hooks:
                if hook["Status"] == "Active" and event["Type"] in hook["Events"]:
                    self.pending.setdefault(hook["WebhookID"], (list_id, hook["Url"], []))[2].append(event)
        delivered = 0
        for webhook_id, (list_id, url, events) in list(self.pending.items()):
            while events:
                batch = events[:MAX_EVENTS_PER_POST]
                if not self._post(url, {"Events": batch, "ListID": list_id}):
                    self._failed(list_id, webhook_id)
                    break
                del events[: len(batch)]
                delivered += len(batch)
                self.failures.pop(webhook_id, None)
            if not events:
                self.pending.pop(webhook_id, None)
        return delivered

    def _post(self, url, payload):
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return 200 <= response.status < 300
        except Exception as exc:  # any failure counts as a failed delivery, as at Campaign Monitor
            log.info("emulator: webhook %s failed: %r", url, exc)
            return False

    def _failed(self, list_id, webhook_id):
        self.failures[webhook_id] = self.failures.get(webhook_id, 0) + 1
        if self.failures[webhook_id] >= self.deactivate_after:
            with self.account.lock:
                found = self.account.lists.get(list_id)
                if found and webhook_id in found.webhooks:
                    found.webhooks[webhook_id]["Status"] = "Unactive"
            self.pending.pop(webhook_id, None)
            self.failures.pop(webhook_id, None)
