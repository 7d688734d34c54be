"""API fuzzing (issue 12): schemathesis generates requests for every operation of the generated OpenAPI
document (``GET /api/v1/openapi.json``), valid ones and invalid ones, sends them to a running gateway as
an authenticated caller and checks each answer: no server error (5xx), a status the document lists, the
content type it lists and a body that matches the schema it gives for that status.

Used by ``tests/e2e/test_api_fuzz.py`` (a bounded smoke run in ``make test``) and by ``make fuzz`` (the
long run, ``PIIRI_FUZZ_EXAMPLES`` examples per operation and mode). Failures are collected, not raised
inside Hypothesis, so a run reports every failing operation once instead of stopping (and shrinking) at
the first; the report counts calls, statuses and failures.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# An operation that ends the credentials it is called with gets a fresh token for each call.
SELF_REVOKING = {("DELETE", "/api/v1/auth/token")}
# Run last, in this order: wrong current passwords lock the caller's logins for a while (as they should),
# after which no fresh token can be had.
LAST = ("DELETE /api/v1/auth/token", "POST /api/v1/account/password")


@dataclass
class Caller:
    """Who sends the requests: a name for the report and the Authorization header of each call."""

    name: str
    authorization: Callable[[], str]
    fresh_authorization: Callable[[], str]


@dataclass
class FuzzReport:
    operations: int = 0
    calls: int = 0
    ungenerable: list = field(default_factory=list)  # (operation, mode): no such case exists (e.g. negative)
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)  # (caller, operation, check title) -> first message

    def summary(self):
        by_class = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (
            f"{self.operations} operations, {self.calls} calls ({dict(sorted(by_class.items()))}), "
            f"{len(self.failures)} failing (operation, check) pairs"
        )


def load_schema(document, base_url):
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=base_url)
    return schema


def with_known_ids(strategy, known_ids):
    """Half the cases use ids of rows that exist (``known_ids``: path parameter name -> value), so the
    operations behind a path id are reached, not only their 404."""
    if not known_ids:
        return strategy

    def substitute(pair):
        case, use_known = pair
        if use_known and case.path_parameters:
            for name in case.path_parameters:
                if name in known_ids:
                    case.path_parameters[name] = known_ids[name]
        return case

    return st.tuples(strategy, st.booleans()).map(substitute)


def label_of(operation):
    return f"{operation.method.upper()} {operation.path}"


def fuzz_operation(operation, mode, caller, base_url, examples, known_ids, report, seed):
    label = label_of(operation)
    revoking = (operation.method.upper(), operation.path) in SELF_REVOKING

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=with_known_ids(operation.as_strategy(generation_mode=mode), known_ids))
    def run(case):
        authorization = caller.fresh_authorization() if revoking else caller.authorization()
        headers = {"Authorization": authorization}
        response = case.call(base_url=base_url, headers=headers, timeout=60)
        report.calls += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as failures:
            for failure in failures.exceptions:
                key = (caller.name, label, failure.title)
                report.failures.setdefault(key, f"[{mode}] {failure.title}: {failures.args[0][:3000]}")

    if seed is not None:
        from hypothesis import seed as hypothesis_seed

        run = hypothesis_seed(seed)(run)
    try:
        run()
    except Unsatisfiable:
        report.ungenerable.append((label, str(mode)))


def fuzz(document, base_url, callers, examples, known_ids=None, modes=MODES, seed=None, skip=()):
    """Every operation of ``document`` (except the labels in ``skip``), ``examples`` cases per mode and
    caller; seed None: the same cases every run (derandomized), a number: that random stream."""
    schema = load_schema(document, base_url)
    report = FuzzReport()
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(
        key=lambda operation: LAST.index(label_of(operation)) if label_of(operation) in LAST else -1
    )
    for operation in operations:
        if label_of(operation) in skip:
            continue
        report.operations += 1
        for caller in callers:
            for mode in modes:
                fuzz_operation(operation, mode, caller, base_url, examples, known_ids or {}, report, seed)
    return report
