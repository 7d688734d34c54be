"""Issue 18 / issue 12: an RPC reply sent without a confirm (piiri.rpc.TransientReplyPublisher) leaves every
confirming publisher of the process confirming. nameko's Publisher keeps ``transport_options`` as one
class-level dict and ``publish`` writes ``confirm_publish`` into it; a reply that shared it turned confirms
off for the outbox's audit and event publishers, whose rows were then marked published though the broker
had refused them (seen as a flaky `test_reads_fail_and_writes_wait_in_the_outbox_while_audit_is_broken`)."""

from nameko.amqp.publish import Publisher

from piiri.messaging import audit_publisher
from piiri.rpc import TransientReplyPublisher


def test_issue18_a_reply_without_confirm_leaves_the_audit_publisher_confirming(config):
    TransientReplyPublisher(config["AMQP_URI"]).publish({"result": None}, exchange="", routing_key="no-queue")
    assert Publisher.transport_options.get("confirm_publish", True) is True
    audit = audit_publisher(config["AMQP_URI"])
    assert audit.transport_options.get("confirm_publish", True) is True
    assert audit.transport_options is not TransientReplyPublisher.transport_options
