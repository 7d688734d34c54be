"""What the Campaign Monitor emulator holds, in memory: one account's client, its lists with custom fields,
subscribers and webhooks, its campaigns and their recipients, and the fault switches of the tests. A
campaign sent hands its recipients' snapshots to the mailer (delivery.py) when one is configured.

Every method takes the account's lock and returns plain JSON-able values in Campaign Monitor's own shapes
(the real bodies are in ../shared/data/createsend/); an error is ``ApiError(status, code, message)`` with
Campaign Monitor's code. Changes of a subscriber's state queue webhook events (Subscribe, Update,
Deactivate) that ``webhooks.py`` delivers.

Limits as the real API has them: 1,000 subscribers per import (code 209), a partial import is code 210 with
``ResultData``, page sizes 10-1,000, 15 preview recipients, custom-field values of 250 characters at most
and dates between 1900/01/01 and 2076/06/06 (the emulator refuses a longer value or a date out of range
row by row, where the real service's behaviour is not documented: Piiri must check before it sends).

A campaign's content is fetched from its ``HtmlUrl`` and ``TextUrl`` when it is made, as the real service
does (it imports the content then); a URL that cannot be fetched is refused with code 309 (the real API's
code for it is not among the fixtures: the number is the emulator's).
"""

import re
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.mailing.emulator.delivery import Recipient, Send

MAX_IMPORT = 1000
MAX_PREVIEW = 15
MAX_VALUE_LENGTH = 250
DATE_MIN, DATE_MAX = "1900/01/01", "2076/06/06"
DATA_TYPES = ("Text", "Number", "MultiSelectOne", "MultiSelectMany", "Date", "Country", "USState")
STATES = ("Active", "Unsubscribed", "Bounced", "Deleted", "Unconfirmed")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTENT_MAX = 2 * 1024 * 1024
CONTENT_UNAVAILABLE = 309
# Where an open or a click came from, in the real rows' keys (the emulator's reader is in Helsinki).
READER_PLACE = {
    "IPAddress": "127.0.0.1",
    "Latitude": 60.1699,
    "Longitude": 24.9384,
    "City": "Helsinki",
    "Region": "Uusimaa",
    "CountryCode": "FI",
    "CountryName": "Finland",
}


def fetch_content(url, timeout=10.0):
    """The body at ``url`` (http or https), as the real service imports a campaign's content."""
    if not str(url).startswith(("http://", "https://")):
        raise ApiError(400, CONTENT_UNAVAILABLE, "Content URL unavailable")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (http/https only)
            return answer.read(CONTENT_MAX).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        raise ApiError(400, CONTENT_UNAVAILABLE, "Content URL unavailable") from None


class ApiError(Exception):
    """An answer of the API that is not a success: HTTP status and Campaign Monitor's {Code, Message}."""

    def __init__(self, status, code, message, result_data=None):
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.result_data = result_data

    def body(self):
        body = {"Code": self.code, "Message": self.message}
        if self.result_data is not None:
            body = {"ResultData": self.result_data, **body}
        return body


def now_text():
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def new_id():
    return uuid.uuid4().hex


def field_key(name):
    """Campaign Monitor's key of a custom field: its name without spaces, in brackets."""
    return "[" + re.sub(r"\s+", "", name) + "]"


@dataclass
class Subscriber:
    email: str
    name: str
    custom: dict  # key without brackets -> value (a list for MultiSelectMany)
    state: str
    date: str
    joined: str
    consent_to_track: str = "Unchanged"

    def view(self, fields_by_key, tracking=False):
        values = []
        for key, value in self.custom.items():
            name = fields_by_key.get(key, {}).get("FieldName", key)
            for one in value if isinstance(value, list) else [value]:
                values.append({"Key": name, "Value": one})
        body = {
            "EmailAddress": self.email,
            "Name": self.name,
            "Date": self.date,
            "ListJoinedDate": self.joined,
            "State": self.state,
            "CustomFields": values,
            "ReadsEmailWith": "",
        }
        if tracking:
            body["ConsentToTrack"] = self.consent_to_track
        return body


@dataclass
class MailingList:
    id: str
    client_id: str
    title: str
    unsubscribe_page: str
    confirmed_opt_in: bool
    confirmation_success_page: str
    unsubscribe_setting: str
    fields: dict = field(default_factory=dict)  # bare key -> {FieldName, Key, DataType, FieldOptions, …}
    subscribers: dict = field(default_factory=dict)  # lower-case e-mail -> Subscriber
    webhooks: dict = field(default_factory=dict)  # id -> {WebhookID, Events, Url, Status, PayloadFormat}


@dataclass
class Campaign:
    id: str
    client_id: str
    name: str
    subject: str
    from_name: str
    from_email: str
    reply_to: str
    html_url: str
    text_url: str
    list_ids: list
    html: str = ""
    text: str = ""
    created: str = field(default_factory=now_text)
    status: str = "Draft"  # Draft, Scheduled, Sent
    send_date: str = ""
    recipients: list = field(default_factory=list)  # [(email, list_id)]
    opens: list = field(default_factory=list)
    clicks: list = field(default_factory=list)
    unsubscribes: list = field(default_factory=list)
    bounces: list = field(default_factory=list)
    spam: list = field(default_factory=list)
    previews: list = field(default_factory=list)


@dataclass
class Fault:
    """A fault switch: after ``skip`` requests whose path contains ``path`` have passed, the next ``count``
    answer ``status`` (after ``delay`` seconds); status 0 only delays."""

    status: int
    count: int
    delay: float = 0.0
    path: str = ""
    skip: int = 0


class Account:
    """One Campaign Monitor account with one client, reached with ``api_key``."""

    def __init__(self, api_key, client_id):
        self.api_key = api_key
        self.client_id = client_id
        self.lock = threading.RLock()
        self.lists = {}
        self.campaigns = {}
        self.suppressed = set()
        self.faults = []
        self.requests = []  # (method, path) of every API request, for the tests
        self.webhook_events = []  # (list_id, event) waiting for delivery
        self.mailer = None  # delivery.Mailer when campaign mails go to an SMTP server
        self.deliveries = {}  # campaign id -> {sent, bounced, failed, error} of its mails

    # --- faults and the request log ----------------------------------------------------------------

    def add_fault(self, status, count=1, delay=0.0, path="", skip=0):
        with self.lock:
            self.faults.append(Fault(int(status), int(count), float(delay), str(path), int(skip)))

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def take_fault(self, path):
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.path in path:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def log_request(self, method, path):
        with self.lock:
            self.requests.append((method, path))

    # --- lists --------------------------------------------------------------------------------------

    def check_client(self, client_id):
        if client_id != self.client_id:
            raise ApiError(400, 102, "Invalid ClientID")

    def get_list(self, list_id):
        found = self.lists.get(list_id)
        if found is None:
            raise ApiError(400, 101, "Invalid ListID")
        return found

    def create_list(self, client_id, body):
        with self.lock:
            self.check_client(client_id)
            title = str(body.get("Title") or "").strip()
            if not title:
                raise ApiError(400, 250, "List title must be unique and not empty")
            if any(item.title == title for item in self.lists.values()):
                raise ApiError(400, 250, "List title must be unique and not empty")
            created = MailingList(
                id=new_id(),
                client_id=client_id,
                title=title,
                unsubscribe_page=str(body.get("UnsubscribePage") or ""),
                confirmed_opt_in=bool(body.get("ConfirmedOptIn")),
                confirmation_success_page=str(body.get("ConfirmationSuccessPage") or ""),
                unsubscribe_setting=str(body.get("UnsubscribeSetting") or "AllClientLists"),
            )
            self.lists[created.id] = created
            return created.id

    def update_list(self, list_id, body):
        with self.lock:
            found = self.get_list(list_id)
            title = str(body.get("Title") or "").strip()
            if not title:
                raise ApiError(400, 250, "List title must be unique and not empty")
            found.title = title
            found.unsubscribe_page = str(body.get("UnsubscribePage") or "")
            found.confirmed_opt_in = bool(body.get("ConfirmedOptIn"))
            found.confirmation_success_page = str(body.get("ConfirmationSuccessPage") or "")
            found.unsubscribe_setting = str(body.get("UnsubscribeSetting") or "AllClientLists")

    def delete_list(self, list_id):
        with self.lock:
            self.get_list(list_id)
            del self.lists[list_id]

    def client_lists(self, client_id):
        with self.lock:
            self.check_client(client_id)
            return [{"ListID": item.id, "Name": item.title} for item in self.lists.values()]

    def list_details(self, list_id):
        with self.lock:
            found = self.get_list(list_id)
            return {
                "ConfirmedOptIn": found.confirmed_opt_in,
                "Title": found.title,
                "UnsubscribePage": found.unsubscribe_page,
                "ListID": found.id,
                "ConfirmationSuccessPage": found.confirmation_success_page,
                "UnsubscribeSetting": found.unsubscribe_setting,
            }

    def list_stats(self, list_id):
        with self.lock:
            found = self.get_list(list_id)
            count = {state: 0 for state in STATES}
            for subscriber in found.subscribers.values():
                count[subscriber.state] += 1
            stats = {}
            for label, state in (
                ("ActiveSubscribers", "Active"),
                ("Unsubscribes", "Unsubscribed"),
                ("Deleted", "Deleted"),
                ("Bounces", "Bounced"),
            ):
                total = count[state]
                stats[f"Total{label}"] = total
                prefix = "NewActiveSubscribers" if state == "Active" else label
                for period in ("Today", "Yesterday", "ThisWeek", "ThisMonth", "ThisYear"):
                    stats[f"{prefix}{period}"] = total if period != "Yesterday" else 0
            return stats

    # --- custom fields ------------------------------------------------------------------------------

    def custom_fields(self, list_id):
        with self.lock:
            return [dict(value) for value in self.get_list(list_id).fields.values()]

    def create_custom_field(self, list_id, body):
        with self.lock:
            found = self.get_list(list_id)
            name = str(body.get("FieldName") or "").strip()
            data_type = body.get("DataType")
            if not name or len(name) > 100:
                raise ApiError(400, 252, "Invalid Field Name")
            if data_type not in DATA_TYPES:
                raise ApiError(400, 251, "Invalid Data Type")
            key = field_key(name)
            bare = key[1:-1]
            if bare.lower() in (existing.lower() for existing in found.fields):
                raise ApiError(400, 255, "Field Key Already Exists")
            found.fields[bare] = {
                "FieldName": name,
                "Key": key,
                "DataType": data_type,
                "FieldOptions": list(body.get("Options") or []),
                "VisibleInPreferenceCenter": bool(body.get("VisibleInPreferenceCenter", True)),
            }
            return key

    def delete_custom_field(self, list_id, key):
        with self.lock:
            found = self.get_list(list_id)
            bare = key.strip("[]")
            if bare not in found.fields:
                raise ApiError(400, 253, "Invalid Custom Field Key")
            del found.fields[bare]
            for subscriber in found.subscribers.values():
                subscriber.custom.pop(bare, None)

    # --- subscribers --------------------------------------------------------------------------------

    def _values(self, found, items):
        """{bare key: value} of a request's CustomFields; a value over the limits is a problem (text)."""
        values = {}
        for item in items or []:
            key = str(item.get("Key") or "").strip("[]")
            definition = found.fields.get(key) or next(
                (value for value in found.fields.values() if value["FieldName"] == key), None
            )
            if definition is None:
                continue  # unknown keys are ignored, as Campaign Monitor does
            bare = definition["Key"][1:-1]
            value = "" if item.get("Value") is None else str(item["Value"])
            if item.get("Clear"):
                values[bare] = None
                continue
            if len(value) > MAX_VALUE_LENGTH:
                return None, f"Custom field {definition['FieldName']} value is longer than 250 characters"
            if (
                definition["DataType"] == "Date"
                and value
                and not (DATE_MIN <= value.replace("-", "/") <= DATE_MAX)
            ):
                return None, f"Custom field {definition['FieldName']} date is out of range"
            if definition["DataType"] == "MultiSelectMany":
                values.setdefault(bare, [])
                values[bare] = [*(values[bare] or []), value]
            else:
                values[bare] = value
        return values, None

    def _write(self, found, email, name, values, resubscribe, consent, events):
        """Add or update one subscriber; 'new' or 'existing'."""
        key = email.lower()
        current = found.subscribers.get(key)
        stamp = now_text()
        if current is None:
            found.subscribers[key] = Subscriber(email, name, {}, "Active", stamp, stamp, consent)
            current = found.subscribers[key]
            outcome = "new"
            events.append(("Subscribe", current))
        else:
            outcome = "existing"
            if current.state != "Active" and resubscribe:
                current.state = "Active"
                current.joined = stamp
                events.append(("Subscribe", current))
            elif current.state == "Active":
                events.append(("Update", current))
        current.name = name
        if consent and consent != "Unchanged":
            current.consent_to_track = consent
        for bare, value in values.items():
            if value is None:
                current.custom.pop(bare, None)
            else:
                current.custom[bare] = value
        current.date = stamp
        return outcome

    def add_subscriber(self, list_id, body):
        with self.lock:
            found = self.get_list(list_id)
            email = str(body.get("EmailAddress") or "").strip()
            if not EMAIL.match(email):
                raise ApiError(400, 1, "Invalid Email Address")
            if email.lower() in self.suppressed:
                raise ApiError(400, 204, "In Suppression List")
            values, problem = self._values(found, body.get("CustomFields"))
            if problem:
                raise ApiError(400, 1, problem)
            events = []
            self._write(
                found,
                email,
                str(body.get("Name") or ""),
                values,
                bool(body.get("Resubscribe")),
                str(body.get("ConsentToTrack") or "Unchanged"),
                events,
            )
            self._queue(found, events)
            return email

    def update_subscriber(self, list_id, email, body):
        with self.lock:
            found = self.get_list(list_id)
            current = found.subscribers.get(str(email or "").lower())
            if current is None:
                raise ApiError(400, 203, "Subscriber not in list or has already been removed.")
            new_email = str(body.get("EmailAddress") or current.email).strip()
            if not EMAIL.match(new_email):
                raise ApiError(400, 1, "Invalid Email Address")
            values, problem = self._values(found, body.get("CustomFields"))
            if problem:
                raise ApiError(400, 1, problem)
            old = current.email
            if new_email.lower() != old.lower():
                del found.subscribers[old.lower()]
                current.email = new_email
                found.subscribers[new_email.lower()] = current
            events = []
            self._write(
                found,
                new_email,
                str(body.get("Name") or current.name),
                values,
                bool(body.get("Resubscribe")),
                str(body.get("ConsentToTrack") or "Unchanged"),
                events,
            )
            self._queue(found, [(kind, sub, old) for kind, sub in events])

    def import_subscribers(self, list_id, body):
        with self.lock:
            found = self.get_list(list_id)
            rows = body.get("Subscribers")
            if not isinstance(rows, list):
                raise ApiError(400, 1, "Subscribers must be a list")
            if len(rows) > MAX_IMPORT:
                raise ApiError(400, 209, f"The maximum number of subscribers per import is {MAX_IMPORT}")
            resubscribe = bool(body.get("Resubscribe"))
            seen, duplicates, failures, events = {}, [], [], []
            for row in rows:
                email = str((row or {}).get("EmailAddress") or "").strip()
                if email.lower() in seen and email.lower() not in (item.lower() for item in duplicates):
                    duplicates.append(email)
                seen[email.lower()] = row
            new = existing = 0
            for key, row in seen.items():
                email = str(row.get("EmailAddress") or "").strip()
                if not EMAIL.match(email):
                    failures.append({"EmailAddress": email, "Code": 1, "Message": "Invalid Email Address"})
                    continue
                if key in self.suppressed:
                    failures.append({"EmailAddress": email, "Code": 204, "Message": "In Suppression List"})
                    continue
                values, problem = self._values(found, row.get("CustomFields"))
                if problem:
                    failures.append({"EmailAddress": email, "Code": 1, "Message": problem})
                    continue
                consent = str(row.get("ConsentToTrack") or "Unchanged")
                outcome = self._write(
                    found, email, str(row.get("Name") or ""), values, resubscribe, consent, events
                )
                new, existing = (new + 1, existing) if outcome == "new" else (new, existing + 1)
            self._queue(found, events)
            result = {
                "FailureDetails": failures,
                "TotalUniqueEmailsSubmitted": len(seen),
                "TotalExistingSubscribers": existing,
                "TotalNewSubscribers": new,
                "DuplicateEmailsInSubmission": duplicates,
            }
            if failures:
                raise ApiError(400, 210, "Subscriber Import had some failures", result)
            return result

    def get_subscriber(self, list_id, email, tracking=False):
        with self.lock:
            found = self.get_list(list_id)
            current = found.subscribers.get(str(email or "").lower())
            if current is None:
                raise ApiError(400, 203, "Subscriber not in list or has already been removed.")
            return current.view(found.fields, tracking)

    def deactivate(self, list_id, email, state):
        """Unsubscribe (API or a click), bounce (a hard bounce) or delete one subscriber."""
        with self.lock:
            found = self.get_list(list_id)
            current = found.subscribers.get(str(email or "").lower())
            if current is None or current.state == "Deleted":
                raise ApiError(400, 203, "Subscriber not in list or has already been removed.")
            targets = [found]
            if state == "Unsubscribed" and found.unsubscribe_setting == "AllClientLists":
                targets = list(self.lists.values())
            for target in targets:
                subscriber = target.subscribers.get(current.email.lower())
                if subscriber is None or subscriber.state == state or subscriber.state == "Deleted":
                    continue
                subscriber.state = state
                subscriber.date = now_text()
                self._queue(target, [("Deactivate", subscriber)])

    def subscribers_in_state(self, list_id, state, since="", page=1, page_size=1000, tracking=False):
        with self.lock:
            found = self.get_list(list_id)
            page_size = min(max(int(page_size or 1000), 10), 1000)
            page = max(int(page or 1), 1)
            since = (since or "").replace("/", "-")
            chosen = sorted(
                (sub for sub in found.subscribers.values() if sub.state == state and sub.date >= since),
                key=lambda sub: sub.email.lower(),
            )
            items = chosen[(page - 1) * page_size : page * page_size]
            return {
                "Results": [sub.view(found.fields, tracking) for sub in items],
                "ResultsOrderedBy": "email",
                "OrderDirection": "asc",
                "PageNumber": page,
                "PageSize": page_size,
                "RecordsOnThisPage": len(items),
                "TotalNumberOfRecords": len(chosen),
                "NumberOfPages": max((len(chosen) + page_size - 1) // page_size, 1 if chosen else 0),
            }

    # --- webhooks -----------------------------------------------------------------------------------

    def create_webhook(self, list_id, body):
        with self.lock:
            found = self.get_list(list_id)
            events = body.get("Events")
            if (
                not isinstance(events, list)
                or not events
                or any(event not in ("Subscribe", "Deactivate", "Update") for event in events)
            ):
                raise ApiError(400, 600, "Invalid Webhook Events")
            url = str(body.get("Url") or "")
            if not url.startswith(("http://", "https://")):
                raise ApiError(400, 601, "Invalid Webhook URL")
            payload_format = str(body.get("PayloadFormat") or "json").lower()
            if payload_format not in ("json", "xml"):
                raise ApiError(400, 602, "Invalid Webhook Payload Format")
            webhook_id = uuid.uuid4().hex[:16]
            found.webhooks[webhook_id] = {
                "WebhookID": webhook_id,
                "Events": list(events),
                "Url": url,
                "Status": "Active",
                "PayloadFormat": payload_format.capitalize(),
            }
            return webhook_id

    def webhooks(self, list_id):
        with self.lock:
            return [dict(value) for value in self.get_list(list_id).webhooks.values()]

    def webhook(self, list_id, webhook_id):
        found = self.get_list(list_id)
        if webhook_id not in found.webhooks:
            raise ApiError(400, 603, "Invalid WebhookID")
        return found.webhooks[webhook_id]

    def set_webhook_status(self, list_id, webhook_id, status):
        with self.lock:
            self.webhook(list_id, webhook_id)["Status"] = status

    def delete_webhook(self, list_id, webhook_id):
        with self.lock:
            self.webhook(list_id, webhook_id)
            del self.get_list(list_id).webhooks[webhook_id]

    def _queue(self, found, events):
        for entry in events:
            kind, subscriber = entry[0], entry[1]
            event = {
                "Type": kind,
                "Date": subscriber.date,
                "EmailAddress": subscriber.email,
                "Name": subscriber.name,
                "CustomFields": subscriber.view(found.fields)["CustomFields"],
            }
            if kind == "Deactivate":
                event["State"] = subscriber.state
            elif kind == "Subscribe":
                event["SignupIPAddress"] = "API"
            if kind == "Update":
                event["OldEmailAddress"] = entry[2] if len(entry) > 2 else subscriber.email
                event["State"] = subscriber.state
            self.webhook_events.append((found.id, event))

    def take_webhook_events(self):
        with self.lock:
            taken, self.webhook_events = self.webhook_events, []
            return taken

    # --- campaigns ----------------------------------------------------------------------------------

    def get_campaign(self, campaign_id):
        found = self.campaigns.get(campaign_id)
        if found is None:
            raise ApiError(400, 301, "Invalid CampaignID")
        return found

    def create_campaign(self, client_id, body, fetch=fetch_content):
        """A draft; its content fetched from HtmlUrl (and TextUrl) first, outside the lock."""
        html = fetch(str(body.get("HtmlUrl"))) if str(body.get("HtmlUrl") or "").strip() else ""
        text = fetch(str(body.get("TextUrl"))) if str(body.get("TextUrl") or "").strip() else ""
        with self.lock:
            self.check_client(client_id)
            for name in ("Subject", "Name", "FromName", "FromEmail", "ReplyTo", "HtmlUrl"):
                if not str(body.get(name) or "").strip():
                    raise ApiError(400, 303 if name == "Name" else 1, f"{name} is required")
            if any(item.name == body["Name"] for item in self.campaigns.values()):
                raise ApiError(400, 303, "Duplicate Campaign Name")
            list_ids = list(body.get("ListIDs") or [])
            if not list_ids:
                raise ApiError(400, 310, "No lists or segments")
            for list_id in list_ids:
                self.get_list(list_id)
            created = Campaign(
                id=new_id(),
                client_id=client_id,
                name=body["Name"],
                subject=body["Subject"],
                from_name=body["FromName"],
                from_email=body["FromEmail"],
                reply_to=body["ReplyTo"],
                html_url=body["HtmlUrl"],
                text_url=str(body.get("TextUrl") or ""),
                list_ids=list_ids,
                html=html,
                text=text,
            )
            self.campaigns[created.id] = created
            return created.id

    def drafts(self, client_id):
        """The client's draft campaigns, as ``GET /clients/{id}/drafts.json`` answers."""
        with self.lock:
            self.check_client(client_id)
            return [
                {
                    "CampaignID": found.id,
                    "Name": found.name,
                    "Subject": found.subject,
                    "FromName": found.from_name,
                    "FromEmail": found.from_email,
                    "ReplyTo": found.reply_to,
                    "DateCreated": found.created,
                    "PreviewURL": f"https://createsend.com/t/r-{found.id[:16].upper()}",
                    "PreviewTextURL": f"https://createsend.com/t/r-{found.id[:16].upper()}/t",
                    "Tags": [],
                }
                for found in self.campaigns.values()
                if found.status == "Draft"
            ]

    def send_campaign(self, campaign_id, body):
        with self.lock:
            found = self.get_campaign(campaign_id)
            if found.status == "Sent":
                raise ApiError(400, 331, "Campaign has already been sent")
            send_date = str(body.get("SendDate") or "immediately")
            found.send_date = now_text() if send_date == "immediately" else send_date
            found.status = "Scheduled"
            if send_date == "immediately":
                self._deliver(found)
            return found

    def _deliver(self, found):
        """The recipient snapshot: every active subscriber of the campaign's lists, each address once; with
        a mailer, each recipient's mail is queued for delivery (delivery.py) with their values of now."""
        seen, snapshots = set(), []
        for list_id in found.list_ids:
            for subscriber in self.lists[list_id].subscribers.values():
                if subscriber.state == "Active" and subscriber.email.lower() not in seen:
                    seen.add(subscriber.email.lower())
                    found.recipients.append((subscriber.email, list_id))
                    if self.mailer is not None:
                        snapshots.append(
                            Recipient(
                                subscriber.email,
                                subscriber.name,
                                {**dict.fromkeys(self.lists[list_id].fields, ""), **subscriber.custom},
                            )
                        )
        found.status = "Sent"
        if self.mailer is not None:
            self.deliveries[found.id] = {"sent": 0, "bounced": 0, "failed": 0, "error": None}
            self.mailer.put(
                Send(
                    found.id,
                    found.subject,
                    found.from_name,
                    found.from_email,
                    found.reply_to,
                    found.html,
                    found.text,
                    tuple(snapshots),
                )
            )

    def release_scheduled(self):
        """Send the scheduled campaigns whose time has come (called by the server's timer)."""
        with self.lock:
            stamp = now_text()
            for found in self.campaigns.values():
                if found.status == "Scheduled" and found.send_date <= stamp:
                    self._deliver(found)

    def unschedule(self, campaign_id):
        with self.lock:
            found = self.get_campaign(campaign_id)
            if found.status != "Scheduled":
                raise ApiError(400, 332, "Campaign is not scheduled")
            found.status = "Draft"
            found.send_date = ""

    def send_preview(self, campaign_id, body):
        with self.lock:
            found = self.get_campaign(campaign_id)
            recipients = body.get("PreviewRecipients") or []
            if not recipients or len(recipients) > MAX_PREVIEW:
                raise ApiError(400, 337, f"Between 1 and {MAX_PREVIEW} preview recipients")
            for address in recipients:
                if not EMAIL.match(str(address)):
                    raise ApiError(400, 1, "Invalid Email Address")
            found.previews.append(list(recipients))

    def delete_campaign(self, campaign_id):
        with self.lock:
            self.get_campaign(campaign_id)
            del self.campaigns[campaign_id]

    def summary(self, campaign_id):
        with self.lock:
            found = self.get_campaign(campaign_id)
            return {
                "Name": found.name,
                "Recipients": len(found.recipients),
                "TotalOpened": len(found.opens),
                "Clicks": len(found.clicks),
                "Unsubscribed": len(found.unsubscribes),
                "Bounced": len(found.bounces),
                "UniqueOpened": len({item["EmailAddress"].lower() for item in found.opens}),
                "Mentions": 0,
                "Forwards": 0,
                "Likes": 0,
                "WebVersionURL": f"https://createsend.com/t/r-{found.id[:16].upper()}",
                "WebVersionTextURL": f"https://createsend.com/t/r-{found.id[:16].upper()}/t",
                "WorldviewURL": f"https://client.createsend.com/reports/wv/r/{found.id[:16].upper()}",
                "SpamComplaints": len(found.spam),
            }

    def campaign_activity(self, campaign_id, kind, page=1, page_size=1000):
        with self.lock:
            found = self.get_campaign(campaign_id)
            if kind == "recipients":
                rows = [{"EmailAddress": email, "ListID": list_id} for email, list_id in found.recipients]
                ordered_by = "email"
            else:
                rows = list(getattr(found, kind))
                ordered_by = "date"
            page_size = min(max(int(page_size or 1000), 10), 1000)
            page = max(int(page or 1), 1)
            items = rows[(page - 1) * page_size : page * page_size]
            return {
                "Results": items,
                "ResultsOrderedBy": ordered_by,
                "OrderDirection": "asc",
                "PageNumber": page,
                "PageSize": page_size,
                "RecordsOnThisPage": len(items),
                "TotalNumberOfRecords": len(rows),
                "NumberOfPages": max((len(rows) + page_size - 1) // page_size, 1 if rows else 0),
            }

    def record_activity(self, campaign_id, kind, email, extra=None):
        """An open, click, bounce, unsubscribe or spam complaint of one recipient (the emulator's control
        API plays the recipients); an unsubscribe, hard bounce or complaint deactivates the subscriber.
        Opens and clicks are tracked only for a subscriber whose ConsentToTrack is Yes, as Campaign Monitor
        tracks them: for anyone else nothing is recorded (False). Their rows carry the reader's place as
        the real ones do (campaign_opens.json, campaign_clicks.json); ``extra`` overrides it."""
        with self.lock:
            found = self.get_campaign(campaign_id)
            sent_to = {address.lower(): list_id for address, list_id in found.recipients}
            list_id = sent_to.get(str(email).lower())
            if list_id is None:
                raise ApiError(400, 203, "Subscriber not in list or has already been removed.")
            if kind in ("opens", "clicks"):
                subscriber = (
                    self.lists[list_id].subscribers.get(str(email).lower()) if list_id in self.lists else None
                )
                if subscriber is None or subscriber.consent_to_track != "Yes":
                    return False
                if kind == "clicks" and not (extra or {}).get("URL"):
                    raise ApiError(400, 1, "A click needs the URL clicked")
                extra = {**READER_PLACE, **(extra or {})}
            row = {"EmailAddress": email, "ListID": list_id, "Date": now_text(), **(extra or {})}
            if kind == "clicks":  # the real rows have the URL first
                row = {"EmailAddress": email, "URL": row.pop("URL"), **row}
            getattr(found, kind).append(row)
            if kind == "unsubscribes" or kind == "spam":
                self.deactivate(list_id, email, "Unsubscribed")
            elif kind == "bounces" and (extra or {}).get("BounceType") == "Hard":
                self.deactivate(list_id, email, "Bounced")
            return True
