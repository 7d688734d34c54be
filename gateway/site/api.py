"""The site as a whole in the API: /health (the services, the workers and the dead letters) and the
OpenAPI document."""

from gateway.base import SERVICES
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, openapi_document
from gateway.site import schemas, worker_health
from piiri import dead_letters
from piiri.messaging import queue_states


class SiteApiRoutes(GatewayCore):
    health_cache = worker_health.HealthCache()  # GET /health's answer for HEALTH_TTL seconds (issue 18)

    @api_operation(
        "200 ok or degraded while contacts and audit answer over the bus; 503 otherwise",
        public=True,
        responses={200: schemas.Health},
    )
    @http("GET", "/health")
    def health(self, request):
        """200 "ok" when every service answers and each kind of worker runs; 200 "degraded" when only the
        exports or imports service or a worker (contacts, import, export, mailing, billing) is missing (their
        jobs wait), or while audit records
        wait in the audit dead letters (issue 11 item 6); 503 "unavailable" when contacts or audit, which
        every request needs, do not answer. ``dead_letters`` counts each dead-letter queue. The answer is
        cached for ``HEALTH_TTL`` seconds (worker_health.HealthCache, issue 18)."""
        status, body = self.health_cache.get(self.current_health)
        return json_response(body, status=status)

    def current_health(self):
        """(HTTP status, body) of GET /health, asked of the services and the broker now."""
        services = self.service_health()
        states = queue_states(  # one broker connection for the workers' and the dead letters' queues
            self.config["AMQP_URI"], [*worker_health.WORKER_QUEUES.values(), *dead_letters.QUEUE_NAMES]
        )
        workers = worker_health.consumers_of(states)
        letters = dead_letters.messages_in(states)
        if any(services[name] != "ok" for name in SERVICES):
            status = "unavailable"
        elif (
            any(state != "ok" for state in services.values())
            or not all(workers.values())
            or letters[dead_letters.AUDIT_DEAD_LETTERS.name] != 0
        ):
            status = "degraded"
        else:
            status = "ok"
        body = {"status": status, "services": services, "workers": workers, "dead_letters": letters}
        return 503 if status == "unavailable" else 200, body

    @api_operation(
        "This OpenAPI document", public=True, responses={200: (schemas.AnyObject, "OpenAPI 3 document")}
    )
    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        return json_response(openapi_document(), headers={"Cache-Control": "public, max-age=300"})
