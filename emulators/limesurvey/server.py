"""The emulator's HTTP endpoint: JSON-RPC 1.0-style POSTs at /index.php/admin/remotecontrol, answered as
LimeSurvey's jsonRPCServer answers them ({"id", "result", "error"}), with the installation's methods.

``serve(installation)`` starts it on a free port in a background thread and returns the server (its
``url`` is what Piiri's LIMESURVEY_URL points at; ``shutdown()`` stops it). With ``rpc_enabled`` off the
endpoint answers an empty body, as LimeSurvey does when JSON-RPC is disabled in its global settings.
"""

import json
import threading

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from emulators.limesurvey.methods import Methods, UnknownMethod

PATH = "/index.php/admin/remotecontrol"


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request (the demo would fill `make run`'s terminal)."""

    def log_request(self, code="-", size="-"):
        pass


class RemoteControlApp:
    def __init__(self, installation):
        self.installation = installation
        self.methods = Methods(installation)
        self.rpc_enabled = True

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path != PATH:
            return Response("Not Found", status=404)(environ, start_response)
        if not self.rpc_enabled or request.method != "POST":
            return Response("", content_type="text/html")(environ, start_response)
        try:
            payload = json.loads(request.get_data(as_text=True))
            method, params, call_id = payload["method"], payload.get("params", []), payload.get("id")
        except (ValueError, KeyError, TypeError):
            body = {"id": None, "result": None, "error": "Invalid JSON-RPC request"}
        else:
            try:
                body = {"id": call_id, "result": self.methods.call(method, params), "error": None}
            except UnknownMethod:
                body = {"id": call_id, "result": None, "error": "unknown method or incorrect parameters"}
        return Response(json.dumps(body), content_type="application/json")(environ, start_response)


class EmulatorServer:
    """A running emulator: ``url``, ``app`` (switch ``app.rpc_enabled``), ``shutdown()``."""

    def __init__(self, installation, host="127.0.0.1", port=0):
        self.app = RemoteControlApp(installation)
        self.installation = installation
        self._server = make_server(host, port, self.app, threaded=True, request_handler=QuietRequestHandler)
        self.url = f"http://{host}:{self._server.server_port}{PATH}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def shutdown(self):
        self._server.shutdown()
        self._server.server_close()


def serve(installation, host="127.0.0.1", port=0):
    return EmulatorServer(installation, host, port).start()
