"""piiri.db.WorkerDatabase.in_batches: a backlog worked through one transaction per batch, until a batch
comes back short (the retention timers of exports and imports)."""

from contextlib import contextmanager

from piiri.db import WorkerDatabase


class Recorded(WorkerDatabase):
    """Transactions counted instead of opened."""

    def __init__(self):
        super().__init__(engine=None)
        self.transactions = 0

    @contextmanager
    def transaction(self):
        self.transactions += 1
        yield f"session {self.transactions}"


def test_batches_run_in_their_own_transactions_until_one_is_short():
    backlog = list(range(7))
    db = Recorded()

    def step(session, batch):
        taken = backlog[:batch]
        del backlog[:batch]
        return taken

    assert db.in_batches(step, 3) == 7
    assert db.transactions == 3 and backlog == []


def test_an_empty_backlog_is_one_look():
    db = Recorded()
    assert db.in_batches(lambda session, batch: [], 100) == 0
    assert db.transactions == 1
