"""The e-invoice operator emulator: Piiri's operator HTTP protocol (services/billing/einvoice/client.py
is its client), answered as an operator's gateway answers.

    POST {url}/messages      body: one Finvoice 3.0 message (application/xml); Authorization: Bearer <key>
        201 {"id", "status": "accepted"}               taken for delivery
        400 {"status": "rejected", "reason"}           not well-formed XML
        422 {"status": "rejected", "reason"}           not Finvoice 3.0 (the schema's first error, with line)
        401                                            a wrong or missing key
        503 {"error"}                                  away (the fault switch ``Mailbox.unavailable``)
    GET  {url}/messages/<id>
        200 {"id", "status", "reason", "receiver"}     accepted → delivered, or rejected with the reason
        404                                            no such message

Like an operator, it checks the receiver only after taking a message: a message to an address it knows
(``receivers``; by default any OVT code 0037 + 8-digit business id (+ up to 5 characters) or a Finnish IBAN)
is delivered, any other is rejected with "unknown receiver address". The outcome shows on the first status
read after the message was taken. ``serve()`` runs it on a free port in a background thread.
"""

import json
import re
import threading
import uuid
from pathlib import Path

from lxml import etree
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "services/billing/documents/schema/Finvoice3.0.xsd"
KNOWN_ADDRESS = re.compile(r"^(0037\d{8}[0-9A-Za-z]{0,5}|FI\d{16})$")
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class Mailbox:
    """What the operator holds: messages by id ({"status", "reason", "receiver", "xml"})."""

    def __init__(self, key, receivers=None):
        self.key = key
        self.receivers = receivers  # None: any well-formed OVT code or Finnish IBAN
        self.messages = {}
        self.lock = threading.Lock()
        # A fault switch for tests and `make run`: the next ``unavailable`` posts answer 503 (an operator
        # away), taking nothing; each such post counts it down.
        self.unavailable = 0
        self._schema = None

    @property
    def schema(self):
        if self._schema is None:
            self._schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
        return self._schema

    def down_now(self):
        """Whether this post meets the operator away (the fault switch ``unavailable``)."""
        with self.lock:
            if self.unavailable > 0:
                self.unavailable -= 1
                return True
            return False

    def knows(self, address):
        if self.receivers is not None:
            return address in self.receivers
        return bool(KNOWN_ADDRESS.match(address or ""))

    def take(self, data):
        """(status code, body) for a posted message."""
        if len(data) > MAX_MESSAGE_BYTES:
            return 413, {"status": "rejected", "reason": "message larger than 10 MB"}
        try:
            document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            return 400, {"status": "rejected", "reason": f"not well-formed XML: {exc}"}
        if not self.schema.validate(document):
            error = self.schema.error_log.filter_from_errors()[0]
            return 422, {
                "status": "rejected",
                "reason": f"not Finvoice 3.0: {error.message} (line {error.line})",
            }
        receiver = document.findtext("MessageTransmissionDetails/MessageReceiverDetails/ToIdentifier") or ""
        message_id = str(uuid.uuid4())
        with self.lock:
            self.messages[message_id] = {
                "status": "accepted",
                "reason": None,
                "receiver": receiver,
                "xml": data,
            }
        return 201, {"id": message_id, "status": "accepted"}

    def read(self, message_id):
        """The message's state; an accepted one is delivered or rejected now (the operator's next step)."""
        with self.lock:
            message = self.messages.get(message_id)
            if message is None:
                return None
            if message["status"] == "accepted":
                if self.knows(message["receiver"]):
                    message["status"] = "delivered"
                else:
                    message.update(status="rejected", reason="unknown receiver address")
            return {"id": message_id, **{k: message[k] for k in ("status", "reason", "receiver")}}


class OperatorApp:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self.answer(request)(environ, start_response)

    def answer(self, request):
        if request.headers.get("Authorization") != f"Bearer {self.mailbox.key}":
            return _json(401, {"error": "unauthorised"})
        parts = request.path.strip("/").split("/")
        if parts == ["messages"] and request.method == "POST":
            if (request.content_length or 0) > MAX_MESSAGE_BYTES:
                return _json(413, {"status": "rejected", "reason": "message larger than 10 MB"})
            if self.mailbox.down_now():
                return _json(503, {"error": "service unavailable"})
            status, body = self.mailbox.take(request.get_data())
            return _json(status, body)
        if len(parts) == 2 and parts[0] == "messages" and request.method == "GET":
            state = self.mailbox.read(parts[1])
            return _json(404, {"error": "no such message"}) if state is None else _json(200, state)
        return _json(404, {"error": "not found"})


def _json(status, body):
    return Response(json.dumps(body), status=status, content_type="application/json")


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


class OperatorServer:
    """A running operator: ``url`` (BILLING_EINVOICE_URL), ``mailbox``, ``shutdown()``."""

    def __init__(self, mailbox, host="127.0.0.1", port=0):
        self.mailbox = mailbox
        self._server = make_server(
            host, port, OperatorApp(mailbox), threaded=True, request_handler=QuietRequestHandler
        )
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def shutdown(self):
        self._server.shutdown()
        self._server.server_close()


def serve(key, receivers=None, host="127.0.0.1", port=0):
    return OperatorServer(Mailbox(key, receivers), host, port).start()
