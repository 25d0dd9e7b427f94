"""Every diagram that could stall the system is refused through the API with a 422 naming why, quickly, never a 500."""
import time
from pathlib import Path

import pytest

from tests.engine.runtime.test_limits import REFUSED_AT_DEPLOY
from webui import create_app

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
XML = {"Content-Type": "application/xml", "Authorization": "Bearer demo-admin"}


@pytest.fixture
def client(db_url):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    with app.test_client() as client:
        yield client
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("name", sorted(REFUSED_AT_DEPLOY))
def test_a_stalling_diagram_is_refused_by_the_api(client, name):
    data = (CORPUS / name).read_bytes()
    started = time.monotonic()
    deployed = client.post("/api/v1/processes", data=data, headers=XML)
    assert time.monotonic() - started < 5
    assert deployed.status_code == 422, deployed.get_data(as_text=True)[:500]
    assert REFUSED_AT_DEPLOY[name] in deployed.get_json()["error"]["message"]
    checked = client.post("/api/v1/processes/validate", data=data, headers=XML)
    assert checked.status_code == 422 and REFUSED_AT_DEPLOY[name] in checked.get_json()["error"]["message"]

