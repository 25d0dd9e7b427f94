"""Every user task of the bundled diagrams has its name in the catalog, with an English translation."""
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import etree

from engine.diagrams.loading import NS
from workflows.i18n import translate
from workflows.rules.task_names import TASK_NAMES

ROOT = Path(__file__).resolve().parents[3]


def test_the_bundled_diagrams_task_names_are_listed_and_translated():
    names = {task.get("name") for path in (ROOT / "bpmn").rglob("*.bpmn")
             for task in etree.parse(str(path)).iterfind(".//bpmn:userTask", NS)}
    assert names == set(TASK_NAMES)
    with (ROOT / "webui/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    for name in names:
        assert catalog.get(name) is not None and catalog.get(name).string, name
    assert translate("办理并书面答复", "en") == "Handle and reply in writing"
