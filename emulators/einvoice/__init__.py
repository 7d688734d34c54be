"""A local e-invoice operator (B3) for `make run` and the tests: it takes Finvoice 3.0 messages over HTTP,
refuses what does not validate, and delivers or rejects what it took (see operator.py)."""
