"""Every kind of page runs under the Content-Security-Policy in a real browser, and a hostile draft runs nothing.

The pages with the most script (the bpmn-js viewer and modeler, the version diff, the ECharts
dashboard, htmx forms) are opened in Debian's chromium with the policy the app sends; the test
fails on any violation the browser reports. Screenshots go to test-artifacts/security/.
"""
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import ProcessDraft, ProcessVersion, User
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui import test_modeler_browser as modeler

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "security"
pytestmark = pytest.mark.skipif(not Path(modeler.CHROMIUM).exists(), reason="Debian chromium is installed by make")
server = modeler.server
browser = modeler.browser
HOSTILE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           b'xmlns:xhtml="http://www.w3.org/1999/xhtml" id="d">'
           b'<bpmn:process id="p" isExecutable="true"><bpmn:documentation>'
           b'<xhtml:script>document.title = "ran"; fetch("/logout", {method: "POST"});</xhtml:script>'
           b'</bpmn:documentation></bpmn:process></bpmn:definitions>')


def watched(page: Page) -> list[str]:
    """Collect every message in which the browser reports a refused script, style, image or frame."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return violations


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_diagram_pages_run_under_the_policy(browser, server, session):
    topic = start_topic(session, NOW)
    supervisor = modeler.signed_in(browser, server, "supervisor_tianning")
    violations = watched(supervisor)
    supervisor.goto(f"/topics/{topic.id}")
    expect(supervisor.locator(".djs-container svg").first).to_be_visible()
    shot(supervisor, "topic-diagram")
    supervisor.goto("/supervision/")
    expect(supervisor.locator("#chart-groups svg")).to_be_visible()
    shot(supervisor, "dashboard")
    assert violations == []

    admin = modeler.signed_in(browser, server, "admin")
    violations = watched(admin)
    modeler.open_modeler(admin, "topic_path")
    modeler.edit_task(admin, "write_reply", clock="soon")
    admin.click("[data-testid=validate]")
    expect(admin.locator(".problem-badge")).to_have_count(1)
    shot(admin, "modeler")
    version = session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)).first()
    admin.goto(f"/admin/versions/{version.id}")
    expect(admin.locator(".djs-container svg").first).to_be_visible()
    admin.goto(f"/admin/diff?from={version.id}&to={version.id}")
    expect(admin.locator(".djs-container svg").first).to_be_visible()
    shot(admin, "diff")
    assert violations == []


def test_a_script_hidden_in_a_stored_draft_does_not_run_when_opened(browser, server, session):
    with writing(session):  # stored before drafts were checked for foreign elements
        admin = session.scalar(select(User).where(User.username == "admin"))
        draft = ProcessDraft(title="x", process_id="p", bpmn_xml=HOSTILE, created_by=admin, created_at=NOW,
                             updated_by=admin, updated_at=NOW)
        session.add(draft)
    other = modeler.signed_in(browser, server, "admin2")
    with pytest.raises(PlaywrightError, match="Download is starting"):
        other.goto(f"/admin/drafts/{draft.id}.bpmn")
    other.goto("/")
    expect(other.locator(".usermenu .who")).to_be_visible()  # still signed in: the script never posted /logout
    assert other.title() != "ran"
