"""Issue 12 item 5: the client's address and scheme behind a fixed number of trusted proxies."""

from werkzeug.datastructures import Headers

from gateway.proxies import client_address, client_used_https, trusted_hops


def headers(**values):
    result = Headers()
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            result.add(name.replace("_", "-"), item)
    return result


def test_issue12_5_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_address("10.0.0.9", headers(X_Forwarded_For="1.2.3.4"), 0) == "10.0.0.9"
    assert client_address(None, headers(), 0) == "-"


def test_issue12_5_the_client_is_the_entry_that_many_hops_from_the_right():
    forwarded = headers(X_Forwarded_For="6.6.6.6, 203.0.113.7")  # 6.6.6.6 is what the client claimed
    assert client_address("10.0.0.9", forwarded, 1) == "203.0.113.7"
    assert client_address("10.0.0.9", headers(X_Forwarded_For=["6.6.6.6", "203.0.113.7, 10.1.1.1"]), 2) == (
        "203.0.113.7"
    )
    assert client_address("10.0.0.9", headers(X_Forwarded_For="2001:db8::1"), 1) == "2001:db8::1"


def test_issue12_5_a_short_or_bogus_header_never_lets_the_client_choose():
    assert client_address("10.0.0.9", headers(X_Forwarded_For="203.0.113.7"), 2) == "10.0.0.9"
    assert client_address("10.0.0.9", headers(), 1) == "10.0.0.9"
    assert client_address("10.0.0.9", headers(X_Forwarded_For="not-an-ip"), 1) == "10.0.0.9"


def test_issue12_5_the_hop_count_comes_from_the_configuration():
    assert trusted_hops({"TRUSTED_PROXIES": "2"}) == 2
    assert trusted_hops({}) == 0 and trusted_hops({"TRUSTED_PROXIES": "x"}) == 0
    assert trusted_hops({"TRUSTED_PROXIES": "-3"}) == 0


def test_issue12_j_https_is_known_directly_or_from_a_trusted_proxy():
    assert client_used_https("https", headers(), 0)
    assert not client_used_https("http", headers(X_Forwarded_Proto="https"), 0)
    assert client_used_https("http", headers(X_Forwarded_Proto="https"), 1)
    assert not client_used_https("http", headers(X_Forwarded_Proto="http"), 1)
