"""A property-based fuzz of the whole JSON API from its OpenAPI document: no input may earn a 5xx.

Schemathesis turns every documented operation into a Hypothesis strategy (path ids up to and
beyond the databases' integer ranges, odd strings, NUL bytes, wrong types); each request goes to
the app in this process as a process administrator, the city supervisor and a district clerk,
and any answer of 500 or more fails the test with the request that caused it. The number of
examples per operation is fixed, so the run is bounded (about 20 s at the default of 12).
"""
import os
import traceback

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.webui.test_api import auth

EXAMPLES = int(os.environ.get("SHANGLIANG_FUZZ_EXAMPLES", "12"))  # per operation; raise it for a deeper run
USERS = ("admin", "supervisor_city", "office_tianning")


def test_no_request_earns_a_server_error(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    only = os.environ.get("SHANGLIANG_FUZZ_ONLY", "")  # a label's part, to fuzz some operations deeper
    operations = [result.ok() for result in schema.get_all_operations() if only in result.ok().label]
    assert only or len(operations) > 40
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):  # type: ignore[no-untyped-def]
            for user in USERS:
                response = case.call(headers=auth(user))
                assert response.status_code < 500, f"{response.status_code} as {user}: {case.as_curl_command()}"

        try:
            fuzz()
        except Exception as exc:  # the app under test propagates its errors: each one is a 500 in production
            where = traceback.extract_tb(exc.__traceback__)[-1]
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]} "
                            f"({where.filename}:{where.lineno})")
    assert not failures, "\n".join(failures)
