"""The emulator's WSGI application: Campaign Monitor API v3.3's paths under ``/api/v3.3`` answered from an
``Account`` (state.py), and a small control API under ``/_emulator`` that the tests and ``make run`` use to
play the world outside (a recipient unsubscribes, an address bounces, the service fails or is slow) and
to see how a campaign's mails were delivered (``GET /_emulator/campaigns/<id>/delivery``, delivery.py).

Authentication as the real API: HTTP Basic with the API key as the user name (``createsend`` sends
``<key>:x``); none is 401 code 50, a wrong key 401 code 100. Answers are JSON; an error is Campaign
Monitor's ``{"Code", "Message"}`` with its HTTP status; an unknown path is a bare 404.
"""

import base64
import json
import time

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from services.mailing.emulator.state import ApiError

PREFIX = "/api/v3.3"
SUBSCRIBER_STATES = {
    "active": "Active",
    "unsubscribed": "Unsubscribed",
    "bounced": "Bounced",
    "deleted": "Deleted",
    "unconfirmed": "Unconfirmed",
}
ACTIVITIES = ("recipients", "opens", "clicks", "unsubscribes", "bounces", "spam")

ROUTES = Map(
    [
        Rule(f"{PREFIX}/systemdate.json", endpoint="systemdate", methods=["GET"]),
        Rule(f"{PREFIX}/clients/<client_id>/lists.json", endpoint="client_lists", methods=["GET"]),
        Rule(f"{PREFIX}/clients/<client_id>/suppress.json", endpoint="suppress", methods=["POST"]),
        Rule(f"{PREFIX}/clients/<client_id>/drafts.json", endpoint="drafts", methods=["GET"]),
        Rule(f"{PREFIX}/lists/<key>.json", endpoint="list", methods=["GET", "POST", "PUT", "DELETE"]),
        Rule(f"{PREFIX}/lists/<list_id>/stats.json", endpoint="list_stats", methods=["GET"]),
        Rule(
            f"{PREFIX}/lists/<list_id>/customfields.json", endpoint="custom_fields", methods=["GET", "POST"]
        ),
        Rule(
            f"{PREFIX}/lists/<list_id>/customfields/<field>.json", endpoint="custom_field", methods=["DELETE"]
        ),
        Rule(f"{PREFIX}/lists/<list_id>/webhooks.json", endpoint="webhooks", methods=["GET", "POST"]),
        Rule(f"{PREFIX}/lists/<list_id>/webhooks/<webhook_id>.json", endpoint="webhook", methods=["DELETE"]),
        Rule(
            f"{PREFIX}/lists/<list_id>/webhooks/<webhook_id>/<any(activate, deactivate, test):action>.json",
            endpoint="webhook_action",
            methods=["GET", "PUT"],
        ),
        Rule(
            f"{PREFIX}/lists/<list_id>/<any({', '.join(SUBSCRIBER_STATES)}):state>.json",
            endpoint="subscribers_in_state",
            methods=["GET"],
        ),
        Rule(
            f"{PREFIX}/subscribers/<list_id>.json",
            endpoint="subscriber",
            methods=["GET", "POST", "PUT", "DELETE"],
        ),
        Rule(f"{PREFIX}/subscribers/<list_id>/import.json", endpoint="import_", methods=["POST"]),
        Rule(f"{PREFIX}/subscribers/<list_id>/unsubscribe.json", endpoint="unsubscribe", methods=["POST"]),
        Rule(f"{PREFIX}/campaigns/<key>.json", endpoint="campaign", methods=["POST", "DELETE"]),
        Rule(
            f"{PREFIX}/campaigns/<campaign_id>/<any(send, sendpreview, unschedule):action>.json",
            endpoint="campaign_action",
            methods=["POST"],
        ),
        Rule(f"{PREFIX}/campaigns/<campaign_id>/summary.json", endpoint="summary", methods=["GET"]),
        Rule(
            f"{PREFIX}/campaigns/<campaign_id>/<any({', '.join(ACTIVITIES)}):kind>.json",
            endpoint="activity",
            methods=["GET"],
        ),
        Rule("/_emulator/faults", endpoint="control_faults", methods=["POST", "DELETE"]),
        Rule("/_emulator/requests", endpoint="control_requests", methods=["GET", "DELETE"]),
        Rule("/_emulator/lists/<list_id>/deactivate", endpoint="control_deactivate", methods=["POST"]),
        Rule("/_emulator/campaigns/<campaign_id>/delivery", endpoint="control_delivery", methods=["GET"]),
        Rule("/_emulator/campaigns/<campaign_id>/<kind>", endpoint="control_activity", methods=["POST"]),
        Rule("/_emulator/webhooks/deliver", endpoint="control_deliver", methods=["POST"]),
    ]
)


def json_response(value, status=200):
    return Response(json.dumps(value), status=status, content_type="application/json; charset=utf-8")


def body_of(request):
    if not request.data:
        return {}
    try:
        value = json.loads(request.data)
    except ValueError:
        raise ApiError(400, 400, "Failed to deserialize your request.") from None
    return value if isinstance(value, dict) else {}


class EmulatorApp:
    """``EmulatorApp(account, deliver_webhooks)`` is the WSGI application; ``deliver_webhooks()`` sends the
    queued webhook events now (webhooks.py)."""

    def __init__(self, account, deliver_webhooks=None):
        self.account = account
        self.deliver_webhooks = deliver_webhooks

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except ApiError as exc:
            response = json_response(exc.body(), exc.status)
        except (NotFound, MethodNotAllowed):
            response = Response("", status=404)
        except HTTPException as exc:
            response = exc.get_response()
        return response(environ, start_response)

    def dispatch(self, request):
        endpoint, args = ROUTES.bind_to_environ(request.environ).match()
        if endpoint.startswith("control_"):
            return getattr(self, endpoint)(request, **args)
        self.account.log_request(request.method, request.path)
        fault = self.account.take_fault(request.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                message = "Rate limit exceeded" if fault.status == 429 else "Internal Server Error"
                return json_response({"Code": fault.status, "Message": message}, fault.status)
        self.authenticate(request)
        return getattr(self, endpoint)(request, **args)

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            raise ApiError(401, 50, "Must supply a valid HTTP Basic Authorization header")
        try:
            key = base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except ValueError:
            raise ApiError(401, 50, "Must supply a valid HTTP Basic Authorization header") from None
        if key != self.account.api_key:
            raise ApiError(401, 100, "Invalid API Key")

    # --- the API ------------------------------------------------------------------------------------

    def systemdate(self, request):
        return json_response({"SystemDate": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())})

    def client_lists(self, request, client_id):
        return json_response(self.account.client_lists(client_id))

    def drafts(self, request, client_id):
        return json_response(self.account.drafts(client_id))

    def suppress(self, request, client_id):
        self.account.check_client(client_id)
        with self.account.lock:
            self.account.suppressed.update(
                str(e).lower() for e in body_of(request).get("EmailAddresses") or []
            )
        return json_response(None)

    def list(self, request, key):
        if request.method == "POST":  # POST /lists/{clientid}.json creates a list
            return json_response(self.account.create_list(key, body_of(request)), 201)
        if request.method == "PUT":
            self.account.update_list(key, body_of(request))
            return json_response(None)
        if request.method == "DELETE":
            self.account.delete_list(key)
            return json_response(None)
        return json_response(self.account.list_details(key))

    def list_stats(self, request, list_id):
        return json_response(self.account.list_stats(list_id))

    def custom_fields(self, request, list_id):
        if request.method == "POST":
            return json_response(self.account.create_custom_field(list_id, body_of(request)), 201)
        return json_response(self.account.custom_fields(list_id))

    def custom_field(self, request, list_id, field):
        self.account.delete_custom_field(list_id, field)
        return json_response(None)

    def subscribers_in_state(self, request, list_id, state):
        query = request.args
        return json_response(
            self.account.subscribers_in_state(
                list_id,
                SUBSCRIBER_STATES[state],
                query.get("date", ""),
                query.get("page", 1),
                query.get("pagesize", 1000),
                query.get("includetrackingpreference", "False").lower() == "true",
            )
        )

    def subscriber(self, request, list_id):
        email = request.args.get("email", "")
        if request.method == "POST":
            return json_response(self.account.add_subscriber(list_id, body_of(request)), 201)
        if request.method == "PUT":
            self.account.update_subscriber(list_id, email, body_of(request))
            return json_response(None)
        if request.method == "DELETE":
            self.account.deactivate(list_id, email, "Deleted")
            return json_response(None)
        tracking = request.args.get("includetrackingpreference", "False").lower() == "true"
        return json_response(self.account.get_subscriber(list_id, email, tracking))

    def import_(self, request, list_id):
        return json_response(self.account.import_subscribers(list_id, body_of(request)), 201)

    def unsubscribe(self, request, list_id):
        self.account.deactivate(list_id, body_of(request).get("EmailAddress"), "Unsubscribed")
        return json_response(None)

    def webhooks(self, request, list_id):
        if request.method == "POST":
            return json_response(self.account.create_webhook(list_id, body_of(request)), 201)
        return json_response(self.account.webhooks(list_id))

    def webhook(self, request, list_id, webhook_id):
        self.account.delete_webhook(list_id, webhook_id)
        return json_response(None)

    def webhook_action(self, request, list_id, webhook_id, action):
        if action == "test":
            self.account.webhook(list_id, webhook_id)
            return json_response(None)
        self.account.set_webhook_status(list_id, webhook_id, "Active" if action == "activate" else "Unactive")
        return json_response(None)

    def campaign(self, request, key):
        if request.method == "DELETE":
            self.account.delete_campaign(key)
            return json_response(None)
        return json_response(self.account.create_campaign(key, body_of(request)), 201)

    def campaign_action(self, request, campaign_id, action):
        body = body_of(request)
        if action == "send":
            self.account.send_campaign(campaign_id, body)
        elif action == "sendpreview":
            self.account.send_preview(campaign_id, body)
        else:
            self.account.unschedule(campaign_id)
        return json_response(None)

    def summary(self, request, campaign_id):
        return json_response(self.account.summary(campaign_id))

    def activity(self, request, campaign_id, kind):
        query = request.args
        return json_response(
            self.account.campaign_activity(
                campaign_id, kind, query.get("page", 1), query.get("pagesize", 1000)
            )
        )

    # --- the control API (not Campaign Monitor's) ---------------------------------------------------

    def control_faults(self, request):
        if request.method == "DELETE":
            self.account.clear_faults()
            return json_response({"faults": 0})
        body = body_of(request)
        self.account.add_fault(
            body.get("status", 500),
            body.get("count", 1),
            body.get("delay", 0),
            body.get("path", ""),
            body.get("skip", 0),
        )
        return json_response({"faults": len(self.account.faults)})

    def control_requests(self, request):
        with self.account.lock:
            if request.method == "DELETE":
                self.account.requests.clear()
            return json_response([list(item) for item in self.account.requests])

    def control_deactivate(self, request, list_id):
        body = body_of(request)
        state = body.get("state", "Unsubscribed")
        if state not in ("Unsubscribed", "Bounced", "Deleted"):
            raise ApiError(400, 1, "state must be Unsubscribed, Bounced or Deleted")
        self.account.deactivate(list_id, body.get("email"), state)
        return json_response({"state": state})

    def control_activity(self, request, campaign_id, kind):
        if kind not in ACTIVITIES[1:]:
            raise ApiError(400, 1, f"kind must be one of {', '.join(ACTIVITIES[1:])}")
        body = body_of(request)
        recorded = self.account.record_activity(campaign_id, kind, body.get("email"), body.get("extra"))
        return json_response({"recorded": kind if recorded else None})

    def control_delivery(self, request, campaign_id):
        """How a campaign's mails went: {sent, bounced, failed, error}; none queued: zeros."""
        with self.account.lock:
            self.account.get_campaign(campaign_id)
            noted = self.account.deliveries.get(campaign_id)
            return json_response(dict(noted or {"sent": 0, "bounced": 0, "failed": 0, "error": None}))

    def control_deliver(self, request):
        delivered = self.deliver_webhooks() if self.deliver_webhooks else 0
        return json_response({"delivered": delivered})
