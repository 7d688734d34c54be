"""Issue 11 item 6: a consumed message that keeps failing is retried a few times, then dead-lettered with
its error (never dropped, never retried for ever); `piiri dead-letters` lists, shows and replays it;
GET /health is "degraded" while an audit record waits in the audit dead letters."""

import json
import uuid

import requests
from nameko.events import event_handler

from piiri import dead_letters, signing
from piiri.messaging import context_headers, event_publisher
from piiri_cli import cli
from tests.events import signed_audit_publisher, wait_for

FAILING = {"on": True}
HANDLED = []


class FlakyConsumer:
    name = "dl_test_consumer"

    @event_handler("dl_test", "thing_happened")
    def on_thing(self, payload):
        HANDLED.append(payload["n"])
        if FAILING["on"]:
            raise RuntimeError(f"cannot handle thing {payload['n']}")


def publish_thing(config, number):
    publisher = event_publisher(config["AMQP_URI"], "dl_test")
    headers = context_headers({"request_id": "dl-test"}, signing.context_keys(config))
    publisher.publish({"n": number}, routing_key="thing_happened", extra_headers=headers)


def test_issue_11_a_failing_event_is_retried_then_dead_lettered_and_replayed_by_the_cli(
    run_services, config, capsys
):
    FAILING["on"], HANDLED[:] = True, []
    number = uuid.uuid4().int % 10**9
    run_services(FlakyConsumer, extra_config={"DEAD_LETTER_AFTER": 3})
    publish_thing(config, number)

    [letter] = wait_for(lambda: dead_letters.list_letters(config["AMQP_URI"]), seconds=15)
    assert HANDLED == [number] * 3  # three attempts, then no more
    assert letter["queue"] == "evt-dl_test-thing_happened--dl_test_consumer.on_thing"
    assert letter["exchange"] == "dl_test.events" and letter["routing_key"] == "thing_happened"
    assert letter["attempts"] == 3 and f"RuntimeError: cannot handle thing {number}" in letter["error"]
    assert json.loads(letter["body"])["n"] == number
    assert letter["headers"]["nameko.actor_signature"]  # the original headers are kept

    assert cli.main(["dead-letters", "list"]) == 0
    assert letter["id"] in capsys.readouterr().out
    assert cli.main(["dead-letters", "show", letter["id"]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["error"] == letter["error"] and shown["queue"] == letter["queue"]
    assert cli.main(["dead-letters", "show", "no-such-id"]) == 1

    FAILING["on"] = False  # the cause is fixed: replay it
    assert cli.main(["dead-letters", "replay", letter["id"]]) == 0
    assert letter["id"] in capsys.readouterr().out
    assert wait_for(lambda: len(HANDLED) == 4)
    assert dead_letters.list_letters(config["AMQP_URI"]) == []


def test_issue_11_replay_all_of_one_queue_leaves_the_others(run_services, config):
    FAILING["on"], HANDLED[:] = True, []
    run_services(FlakyConsumer, extra_config={"DEAD_LETTER_AFTER": 1})
    publish_thing(config, 1)
    publish_thing(config, 2)
    assert wait_for(lambda: len(dead_letters.list_letters(config["AMQP_URI"])) == 2, seconds=10)
    FAILING["on"] = False
    assert cli.main(["dead-letters", "replay", "--all", "--queue", "piiri.audit.records"]) == 0
    assert len(dead_letters.list_letters(config["AMQP_URI"])) == 2  # none of that queue: both stay
    queue = "evt-dl_test-thing_happened--dl_test_consumer.on_thing"
    assert cli.main(["dead-letters", "replay", "--all", "--queue", queue]) == 0
    assert wait_for(lambda: sorted(HANDLED[-2:]) == [1, 2])
    assert cli.main(["dead-letters", "replay"]) == 2  # neither an id nor --all


def test_issue_11_health_is_degraded_while_an_audit_record_waits_in_the_dead_letters(
    system, run_services, config
):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker
    from services.imports.service import ImportsService
    from services.imports.worker import ImportWorker
    from services.mailing.worker import MailingWorker

    run_services(ExportsService, ImportsService, ExportWorker, ImportWorker, MailingWorker)
    assert requests.get(f"{system.base_url}/health").json()["status"] == "ok"
    signed_audit_publisher(config).publish({"action": "contact.viewed"}, routing_key="contact.viewed")
    body = wait_for(
        lambda: (b := requests.get(f"{system.base_url}/health").json())["status"] == "degraded" and b,
        seconds=10,
    )
    assert body["dead_letters"]["piiri.dead_letters.audit"] == 1
    assert set(body["services"].values()) == {"ok"}


def test_issue_11_two_readers_of_the_dead_letters_at_once_each_see_every_letter(run_services, config):
    """Reading takes the letters off their queue until the reader's channel closes, so a second reader
    (the audit service's timer, an operator's `piiri dead-letters list`) waits for the first instead of
    seeing a part of them."""
    import threading
    import time
    import types

    from kombu import Connection

    publisher = dead_letters.DeadLetterPublisher(config["AMQP_URI"])
    for number in range(4):
        message = types.SimpleNamespace(
            body=json.dumps({"n": number}).encode(),
            headers={},
            delivery_info={"exchange": "dl_test.events", "routing_key": "thing_happened"},
            properties={},
            content_type="application/json",
            content_encoding="utf-8",
        )
        publisher.dead_letter(message, "evt-dl_test-thing_happened--dl_test_consumer.on_thing", 1, "E")
    holding, seen = threading.Event(), {}

    def first_reader():
        with Connection(config["AMQP_URI"]) as connection, dead_letters._scan_lock(connection):
            channel = connection.channel()
            seen["first"] = len(list(dead_letters._each(channel)))  # all four held, unacked
            holding.set()
            time.sleep(0.5)

    reader = threading.Thread(target=first_reader)
    reader.start()
    assert holding.wait(10)
    seen["second"] = len(dead_letters.list_letters(config["AMQP_URI"]))  # waits for the first
    reader.join()
    assert seen == {"first": 4, "second": 4}
