"""The whole schema fuzzed against a running server with schemathesis: whatever a client
sends within (positive) or just outside (negative) `/openapi.json`, no 500, a request
without the token refused, and every answer, errors included, one the schema
documents, with the status, media type, headers and shape it says.

Each operation runs 100 examples per mode, its request media types drawn among them, so
the whole file stays well under a minute. (schemathesis's own pytest loader,
`from_fixture`, does not run on pytest 9, so Hypothesis drives its strategies here.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import Api

CHECKS = [
    not_a_server_error,
    ignored_auth,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MEDIA_TYPES = {
    "/v1/check": {"application/json", "message/rfc822"},
    "/v1/confirm": {"application/json"},
}


@schemathesis.serializer("message/rfc822")
def _mime(context: schemathesis.SerializationContext, value: Any) -> bytes:
    """A generated MIME body as its bytes: schemathesis makes binary or text values."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return data
    return str(value).encode("utf-8", "surrogatepass")


@pytest.fixture
def api_schema(api: Api) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


def test_the_schema_is_valid_openapi_and_documents_both_draft_forms(
    api_schema: schemathesis.BaseSchema,
) -> None:
    check = api_schema["/v1/check"]["POST"]
    assert set(api_schema.get_request_payload_content_types(check)) == {
        "application/json",
        "message/rfc822",
    }
    draft = api_schema.raw_schema["components"]["schemas"]["Draft"]
    assert draft["required"] == ["to"]
    assert {"from", "to", "cc", "bcc", "subject", "text", "html", "attachments"} <= set(
        draft["properties"]
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", sorted(MEDIA_TYPES))
def test_any_request_gets_a_documented_answer_and_never_a_500(
    api: Api, api_schema: schemathesis.BaseSchema, path: str, mode: GenerationMode
) -> None:
    token = api.token()
    sent: set[str | None] = set()

    @given(case=api_schema[path]["POST"].as_strategy(mode))
    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        sent.add(case.media_type)
        case.call_and_validate(
            base_url=api.url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )

    fuzz()
    if mode is GenerationMode.POSITIVE:
        assert sent == MEDIA_TYPES[path]
