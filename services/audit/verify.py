"""Verifying the audit log's hash chain (S2): walk it in order, in batches, and report every altered,
removed or reordered record and a truncated tail. Used by ``piiri audit verify`` and the
``verify_chain`` RPC.

How the tail is protected: the chain head row (``audit_chain_head``) is moved on in the same
transaction as every append, so it always says how long the chain is and what its last hash is; a
tail deleted from ``audit_events`` shows as a head beyond the last record. Each intact verification
also appends a checkpoint (``audit_chain_checkpoints``, append-only like the log): the position and
hash it vouched for. A later rewrite of the tail *and* the head is still caught down to the last
checkpoint, and a rewrite of history before a checkpoint shows as a hash that differs from it.
We chose these rows over signing the head with a key because a key the audit service can use is
as reachable as the database to whoever controls that host; what does protect against a database
superuser rewriting everything consistently (log, head and checkpoints) is keeping the head hash
that each run prints somewhere else (the cron job's mail or log): compare it with the next run's.

The walk reads the log inside one REPEATABLE READ snapshot, so appends during it do not disturb
it, and holds one batch in memory at a time (millions of rows, flat memory).
"""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.audit import storage
from services.audit.chain import GENESIS, row_hash

BATCH_SIZE = 5000
MAX_FINDINGS = 100  # listed; every problem is still counted


@dataclass
class Finding:
    kind: str  # altered | removed | reordered | truncated | checkpoint
    seq: int
    message: str


@dataclass
class Report:
    records: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    head_seq: int | None = None
    checkpoint_seq: int | None = None
    problems: int = 0
    findings: list = field(default_factory=list)
    verified_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0

    @property
    def intact(self):
        return self.problems == 0

    def as_dict(self):
        return {
            "intact": self.intact,
            "records": self.records,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "head_seq": self.head_seq,
            "checkpoint_seq": self.checkpoint_seq,
            "problems": self.problems,
            "findings": [vars(finding) for finding in self.findings],
            "verified_at": self.verified_at,
            "seconds": self.seconds,
        }


class ChainWalker:
    """Feed it the stored rows in chain order (``feed``), then ``finish`` with the head.

    ``find_seq(hash)`` tells where a record with that hash is (or None): it tells a record that links
    to one stored elsewhere (reordered) from one whose predecessor is gone (removed).
    ``checkpoint`` is the last verified {last_seq, last_hash, verified_at}, or None.
    """

    def __init__(self, find_seq, checkpoint=None, max_findings=MAX_FINDINGS):
        self.find_seq = find_seq
        self.checkpoint = checkpoint
        self.max_findings = max_findings
        self.report = Report(checkpoint_seq=checkpoint["last_seq"] if checkpoint else None)
        self.prev_hash = GENESIS
        self.prev_seq = 0
        self.prev_altered = False

    def add(self, kind, seq, message):
        self.report.problems += 1
        if len(self.report.findings) < self.max_findings:
            self.report.findings.append(Finding(kind, seq, message))

    def feed(self, rows):
        for row in rows:
            self.check(row)

    def check(self, row):
        seq, expected = row["chain_seq"], self.prev_seq + 1
        gap = seq > expected
        if gap:
            missing = f"#{expected}" if seq == expected + 1 else f"#{expected}–#{seq - 1}"
            self.add("removed", expected, f"{missing} missing: a gap in the sequence before #{seq}.")
        altered = row_hash(row) != row["hash"]
        if altered:
            self.add("altered", seq, f"#{seq} was changed: its content or link does not match its hash.")
        elif row["prev_hash"] != self.prev_hash and not gap and not self.prev_altered:
            self.check_link(seq, row["prev_hash"])  # (an altered record's stored hash proves nothing)
        if (
            self.checkpoint
            and seq == self.checkpoint["last_seq"]
            and row["hash"] != self.checkpoint["last_hash"]
        ):
            self.add(
                "checkpoint",
                seq,
                f"#{seq} differs from the hash verified at {self.checkpoint['verified_at']}: "
                "the chain was rewritten since.",
            )
        self.prev_hash, self.prev_seq, self.prev_altered = row["hash"], seq, altered
        self.report.records += 1

    def check_link(self, seq, prev_hash):
        linked = self.find_seq(prev_hash)
        if linked is not None:
            self.add(
                "reordered",
                seq,
                f"#{seq} follows #{linked} in the chain but is stored after #{self.prev_seq}: "
                "records were reordered.",
            )
        elif seq == 1:
            self.add("removed", seq, "#1 does not start the chain: the records before it were removed.")
        else:
            self.add(
                "removed",
                seq,
                f"#{seq} links to a record that is no longer in the log: "
                "the record before it was removed (and the rest renumbered) "
                f"or #{self.prev_seq} was rewritten.",
            )

    def finish(self, head):
        """Compare the end of the walk with the head (last_seq, last_hash) or None, and the checkpoint."""
        report = self.report
        report.last_seq, report.last_hash = self.prev_seq, self.prev_hash
        report.head_seq = head[0] if head else None
        if head is None:
            if report.records:
                self.add("checkpoint", self.prev_seq, "The chain head is missing (it was deleted).")
        elif head[0] < self.prev_seq:
            self.add(
                "checkpoint",
                head[0] + 1,
                f"#{head[0] + 1}–#{self.prev_seq} are beyond the chain head: "
                "written outside the audit service.",
            )
        elif head[0] == self.prev_seq and head[1] != self.prev_hash:
            self.add(
                "checkpoint", self.prev_seq, f"#{self.prev_seq} has another hash than the chain head says."
            )
        self.check_tail(head)
        return report

    def check_tail(self, head):
        witnesses = []
        if head and head[0] > self.prev_seq:
            witnesses.append((head[0], "the chain head"))
        if self.checkpoint and self.checkpoint["last_seq"] > self.prev_seq:
            witnesses.append((self.checkpoint["last_seq"], f"the check at {self.checkpoint['verified_at']}"))
        if witnesses:
            claimed, witness = max(witnesses)
            self.add(
                "truncated",
                self.prev_seq + 1,
                f"The log ends at #{self.prev_seq} but {witness} vouches for #{claimed}: "
                f"#{self.prev_seq + 1}–#{claimed} were removed from its end.",
            )


def walk(batches, find_seq, head, checkpoint=None, max_findings=MAX_FINDINGS):
    """Verify rows given as an iterable of batches (lists of row mappings in chain order)."""
    walker = ChainWalker(find_seq, checkpoint, max_findings)
    for batch in batches:
        walker.feed(batch)
    return walker.finish(head)


def stored_batches(session, batch_size):
    after = 0
    while True:
        batch = storage.chain_batch(session, after, batch_size)
        if not batch:
            return
        yield batch
        after = batch[-1]["chain_seq"]


def verify_stored_chain(session, batch_size=BATCH_SIZE, max_findings=MAX_FINDINGS, checkpoint=True):
    """Verify the chain in the audit database behind ``session`` (which must not be in a transaction yet).

    When it is intact and ``checkpoint`` is true, a checkpoint of the verified head is appended.
    """
    started = time.monotonic()
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        head = storage.read_head(session)
        last_checkpoint = storage.latest_checkpoint(session)
        report = walk(
            stored_batches(session, batch_size),
            lambda value: storage.seq_with_hash(session, value),
            head,
            last_checkpoint,
            max_findings,
        )
    finally:
        session.rollback()  # end the snapshot
    report.seconds = round(time.monotonic() - started, 3)
    if report.intact and checkpoint and report.records:
        storage.add_checkpoint(session, report.last_seq, report.last_hash, report.records)
        session.commit()
    return report


def _records(count):
    return f"{count:,} record" + ("" if count == 1 else "s")


def format_report(report):
    """The lines ``piiri audit verify`` prints."""
    if report.intact and not report.records:
        return [f"audit chain intact: the log is empty, checked in {report.seconds:.1f} s"]
    if report.intact:
        return [
            f"audit chain intact: {_records(report.records)} (#1–#{report.last_seq}), "
            f"head hash {report.last_hash}, checked in {report.seconds:.1f} s"
        ]
    lines = [
        f"audit chain NOT intact: {report.problems:,} problem(s) in {_records(report.records)} "
        f"(log ends at #{report.last_seq}, head says #{report.head_seq}), checked in {report.seconds:.1f} s"
    ]
    lines += [f"  {finding.kind:<10} #{finding.seq}: {finding.message}" for finding in report.findings]
    if report.problems > len(report.findings):
        lines.append(f"  … and {report.problems - len(report.findings):,} more")
    return lines
