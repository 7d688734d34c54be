"""The client behind trusted proxies (issue 12 item 5): its address and whether it used HTTPS.

Behind a TLS proxy or an Ingress the socket's peer is the proxy, so the login throttle and the audit
would see one address for everyone. ``PIIRI_TRUSTED_PROXIES`` is the number of proxies in front of the
gateway (default 0: none). Each appends the address it received the request from to X-Forwarded-For,
so the client is the entry that many hops from the right; entries further left are whatever the
client sent and are never trusted. A header shorter than the hop count, or an entry that is no IP
address, leaves the socket's address: a request that did not pass all the proxies cannot choose its
own address.
"""

import ipaddress

MAX_ADDRESS_LENGTH = 64  # login_failures.remote_addr


def trusted_hops(config):
    """``TRUSTED_PROXIES`` from the configuration, as a count of hops (0 when unset or not a number)."""
    try:
        return max(int(config.get("TRUSTED_PROXIES") or 0), 0)
    except (TypeError, ValueError):
        return 0


def _forwarded_values(headers, name):
    values = []
    for line in headers.getlist(name) if hasattr(headers, "getlist") else [headers.get(name) or ""]:
        values.extend(part.strip() for part in line.split(","))
    return [value for value in values if value]


def client_address(remote_addr, headers, hops):
    """The client's address: the socket's peer, or the X-Forwarded-For entry ``hops`` from the right."""
    remote_addr = (remote_addr or "-")[:MAX_ADDRESS_LENGTH]
    if hops <= 0:
        return remote_addr
    forwarded = _forwarded_values(headers, "X-Forwarded-For")
    if len(forwarded) < hops:
        return remote_addr
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))[:MAX_ADDRESS_LENGTH]
    except ValueError:
        return remote_addr


def client_used_https(scheme, headers, hops):
    """True when the client's request came over HTTPS: directly, or as the trusted proxies say in
    X-Forwarded-Proto (the value of the outermost trusted proxy; without trusted proxies the header is
    ignored)."""
    if scheme == "https":
        return True
    if hops <= 0:
        return False
    forwarded = _forwarded_values(headers, "X-Forwarded-Proto")
    return bool(forwarded) and forwarded[max(len(forwarded) - hops, 0)].lower() == "https"
