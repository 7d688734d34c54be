"""How the gateway's HTTP server opens its listening socket: with SO_REUSEPORT when HTTP_REUSE_PORT is on
(the default where the system has it), so that two or more gateway processes can serve one address and the
kernel spreads the connections over them (issue 18). Off, a second gateway on a taken address is refused."""

import eventlet

from piiri.config import http_reuse_port


class ReusePortListening:
    """A mixin for nameko's WebServer: its start(), with the listening socket's SO_REUSEPORT decided by
    the configuration instead of eventlet's default."""

    def start(self):
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, reuse_port=http_reuse_port(self.container.config))
            self._sock.settimeout(None)  # as nameko: works around https://github.com/celery/kombu/issues/838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)
