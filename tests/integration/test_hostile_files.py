"""Issue 12 item 1 (I1): every file of the hostile corpus (tests/hostile_files/README.md) uploaded to the
running imports service over the broker is refused with its specific error, the import ends failed
(never stuck in "uploading"), nothing is imported, and the service keeps answering other calls (its
ping, what /health asks) while the file is processed: reading runs off the event loop (item 2)."""

import base64
import time

import eventlet
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import ValidationFailed
from services.contacts.service import ContactsService
from services.imports.contract.messages import text as words
from services.imports.service import ImportsService
from tests.hostile_files.build import CASES, data_of

IMPORTER = (*ALL_PERMISSIONS, "contacts.import")
PART = 1024 * 1024
# Seconds: 0.03-0.2 measured on a quiet machine; reading rows_1048576.csv in the service greenlet stalled
# pings 2.4 s. A CI run on a host twice as slow as usual, with the other shard beside it, once saw 1.12 s
# for a file whose own stall is 0.03 s; a bound of 2 s still catches the stall this guards against.
PING_BOUND = 2.0


@pytest.fixture
def imports_proxy(run_services, rpc, clean_databases):
    run_services(ContactsService, ImportsService)
    with rpc(make_actor("importer", permissions=IMPORTER), timeout=60) as proxy:
        yield proxy


class Pinger:
    """Calls imports.ping over its own proxy in a greenlet until stopped; the slowest answer."""

    def __init__(self, rpc):
        self.rpc, self.latencies, self.running = rpc, [], True
        self.thread = eventlet.spawn(self.run)

    def run(self):
        with self.rpc(timeout=30) as proxy:
            while self.running:
                started = time.monotonic()
                assert proxy.imports.ping() is True
                self.latencies.append(time.monotonic() - started)
                eventlet.sleep(0.02)

    def stop(self):
        self.running = False
        self.thread.wait()
        return max(self.latencies), len(self.latencies)


def upload(proxy, name, data):
    job = proxy.imports.create_import(name)
    for seq, start in enumerate(range(0, len(data), PART)):
        proxy.imports.upload_part(job["id"], seq, base64.b64encode(data[start : start + PART]).decode())
    return job


def contacts_count(engines):
    with engines["contacts"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM contacts")).scalar()


@pytest.mark.parametrize(("name", "code"), [(name, code) for name, _, code, _ in CASES])
def test_i1_issue12_a_hostile_file_is_refused_with_its_error_imports_nothing_and_ping_keeps_answering(
    imports_proxy, rpc, clean_databases, name, code
):
    data = data_of(name)
    job = upload(imports_proxy, name, data)
    pinger = Pinger(rpc)
    eventlet.sleep(0.1)
    with pytest.raises(ValidationFailed) as refused:
        imports_proxy.imports.finish_upload(job["id"])
    slowest, pings = pinger.stop()
    assert refused.value.details["code"] == code, refused.value.message
    assert words(refused.value.details["file"][0], "fi") != refused.value.message  # a code with a text
    failed = imports_proxy.imports.get_import(job["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] == code
    assert failed["headers"] == [] and not failed["total_rows"]
    assert contacts_count(clean_databases) == 0
    assert pings >= 1 and slowest < PING_BOUND, f"ping took {slowest:.2f} s while {name} was read"


def test_i1_issue12_an_upload_past_the_size_limit_fails_the_import_instead_of_leaving_it_uploading(
    run_services, rpc, clean_databases
):
    run_services(ContactsService, ImportsService, extra_config={"IMPORT_MAX_FILE_BYTES": 3 * PART // 2})
    with rpc(make_actor("importer", permissions=IMPORTER), timeout=30) as proxy:
        job = proxy.imports.create_import("iso.csv")
        part = base64.b64encode(b"Nimi\n" + b"x\n" * (PART // 2 - 3)).decode()
        proxy.imports.upload_part(job["id"], 0, part)
        with pytest.raises(ValidationFailed) as refused:
            proxy.imports.upload_part(job["id"], 1, base64.b64encode(b"y\n" * (PART // 2)).decode())
        assert refused.value.details["code"] == "file_too_large"
        assert refused.value.message == "import.file.too_large"
        assert "Tiedosto on suurempi kuin" in words(refused.value.details["file"][0], "fi")
        failed = proxy.imports.get_import(job["id"])
        assert failed["status"] == "failed" and failed["error"]["code"] == "file_too_large"
    assert contacts_count(clean_databases) == 0
