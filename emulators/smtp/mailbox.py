"""What the SMTP emulator holds: the messages it took, the DSNs it made, and its fault switch. Shared by
the SMTP handler (an asyncio thread), the web page (werkzeug threads) and the DSN sender: one lock."""

import threading
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy

# Under the reserved top-level name "example" (RFC 2606), which Piiri's address check takes (".invalid" it
# refuses as special-use, so no contact could have such an address).
BOUNCE_DOMAIN = "bounce.example"  # 550 at RCPT
DSN_DOMAIN = "dsn.example"  # accepted, then a DSN
MAX_KEPT = 5000


def domain_of(address):
    return address.rsplit("@", 1)[-1].lower().strip(">") if "@" in address else ""


def summary(raw):
    """Subject, To, Message-ID, the text body and the attachments' names of a message's bytes."""
    message = message_from_bytes(raw, policy=policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    return {
        "subject": str(message.get("Subject", "")),
        "to": str(message.get("To", "")),
        "from": str(message.get("From", "")),
        "message_id": str(message.get("Message-ID", "")),
        "dkim": message.get("DKIM-Signature") is not None,
        "text": body.get_content() if body is not None else "",
        "attachments": [
            {"file_name": part.get_filename(), "content_type": part.get_content_type(),
             "size": len(part.get_payload(decode=True) or b"")}
            for part in message.iter_attachments()
        ],
    }  # fmt: skip


class Entry(dict):
    """A message taken: id, received_at, mail_from, recipients, raw; its subject, text and attachments
    (``summary``) are read from the bytes the first time they are asked for, not while the SMTP session
    waits."""

    def __missing__(self, key):
        if "subject" in self:
            raise KeyError(key)
        self.update(summary(self["raw"]))
        return self[key]

    def full(self):
        self["subject"]  # noqa: B018 (reads the summary in)
        return self


class Mailbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # newest last
        self.dsns = []  # {"id", "to", "recipient", "raw", "posted": None | status code | error}
        self.refused = []  # {"mail_from", "recipient", "code"} refused at RCPT
        self.unavailable = 0  # the next n MAIL commands get 421 (the server is "down")

    def take_unavailable(self):
        with self.lock:
            if self.unavailable > 0:
                self.unavailable -= 1
                return True
            return False

    def store(self, mail_from, recipients, raw):
        entry = Entry(
            id=str(uuid.uuid4()),
            received_at=datetime.now(UTC).isoformat(),
            mail_from=mail_from,
            recipients=list(recipients),
            raw=raw,
        )
        with self.lock:
            self.messages.append(entry)
            del self.messages[:-MAX_KEPT]
        return entry

    def refuse(self, mail_from, recipient, code):
        with self.lock:
            self.refused.append({"mail_from": mail_from, "recipient": recipient, "code": code})

    def listed(self):
        with self.lock:
            items = list(self.messages)
        return [{key: value for key, value in item.full().items() if key != "raw"} for item in items]

    def find(self, message_id):
        with self.lock:
            found = next((item for item in self.messages if item["id"] == message_id), None)
        return found.full() if found is not None else None

    def to(self, recipient):
        """The messages taken for one recipient."""
        with self.lock:
            return [
                item for item in self.messages if recipient.lower() in (r.lower() for r in item["recipients"])
            ]

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.dsns.clear()
            self.refused.clear()
