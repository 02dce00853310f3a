"""A bounded, seeded schemathesis run against /api/schema/: whatever a fuzzer sends, the API
answers as documented (no 5xx, every status code and content type in the schema, bodies that
match it), refuses what the schema calls invalid and accepts what it calls valid."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from api.services import api_client_create
from catalog.models import Category
from tests.factories import make_user

TOKEN = "pim_fuzz-token-of-a-demo-like-erp-client"

# A request valid by the schema can still be refused by the data: an unknown family or
# category code, a value the family's attribute rejects (422), a stale version (409).
# The schema cannot say which codes exist, so those answers count as acceptance.
VALID_BUT_REFUSED_BY_DATA = ["2xx", "401", "403", "404", "409", "422", "429"]

CONFIG = schemathesis.Config.from_dict(
    {
        # NUL characters are refused in every text (test_bad_input checks each path), a rule
        # the schema cannot state, so the generated "valid" strings leave them out.
        "generation": {"deterministic": True, "allow-x00": False},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": VALID_BUT_REFUSED_BY_DATA},
        },
    }
)


@pytest.fixture
def fuzz_api(settings_override, publish, audiences, web):
    """A demo-like catalog and an ERP client that reads and writes it."""
    for sku in ("LUM-T-1", "LUM-T-2"):
        publish(sku)
    Category.objects.create(code="lamps", name_en="Lamps")
    user = make_user("fuzz-editor", role="publisher")
    api_client_create(name="ERP", channel=web, user=user, token=TOKEN)
    # Django's test client does the same: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", WSGIHandler(), config=CONFIG
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        # Requests in this thread activated the languages they asked for (Accept-Language).
        translation.deactivate()


@pytest.fixture
def settings_override(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.PIM_API_DEFAULT_RATE = "100000/min"


# Examples per operation and generation mode (valid and invalid data): about 30
# operations, so a few hundred requests in all.
EXAMPLES = 10


def fuzz(operation, mode: GenerationMode) -> int:
    """Send up to EXAMPLES generated requests of one kind to one operation; raise on a
    failure, else return how many were sent."""
    sent = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # report, do not shrink
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if case.query and mode is GenerationMode.POSITIVE:
            # A cursor is opaque: only one the API handed out is valid (any other is 400),
            # which no schema can express.
            case.query.pop("cursor", None)
        if case.method in ("PUT", "PATCH") and "sku" in (case.path_parameters or {}):
            # Writes go to a product that exists, so they reach the services.
            case.path_parameters["sku"] = "LUM-T-2"
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
        sent.append(case.method)

    run()
    return len(sent)


def test_the_api_answers_every_generated_request_as_documented(fuzz_api):
    failures, sent = [], 0
    operations = [result.ok() for result in fuzz_api.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                sent += fuzz(operation, mode)
            except (Exception, BaseExceptionGroup) as exc:  # all are reported below
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert sent >= 300  # a few hundred requests, not a handful
