"""Schemathesis against the running server's /openapi.json: no generated request gets a 5xx.

Authenticated with a real token of an enrolled device, so the generator reaches past the auth
check into push, pull, photos, conflicts and plates. Bounded: a few dozen examples an operation.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from support.live_server import Api, ServerProcess

#: An OpenAPI operation as schemathesis loads it (its generic parameters do not matter here).
Operation = APIOperation[Any, Any, Any, Any]


def test_no_generated_request_gets_a_server_error(server: ServerProcess) -> None:
    api = Api(server.url)
    assert api.enroll(server.new_scope().code).status_code == 200
    headers = {"Authorization": f"Bearer {api.token}"}
    api.close()
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    assert len(operations) >= 12
    failures: list[str] = []
    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case[Operation]) -> None:
            response = case.call(headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} "
                                f"{response.text[:300]}")
            elif response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                assert "reason" in response.json(), (case.method, case.path, response.text[:300])

        run()
    assert failures == [], "\n".join(failures[:10])
