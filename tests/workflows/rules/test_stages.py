"""Stages and topic labels: one home each, covering every value the diagrams and tables use."""

import re
from pathlib import Path

import pytest

from models import TopicCategory, TopicSource, TopicStatus
from workflows.rules.stages import STAGE_LABELS, STAGES
from workflows.topics.labels import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS

ROOT = Path(__file__).resolve().parents[3]


def test_every_stage_a_diagram_declares_is_known() -> None:
    declared = set()
    for path in (ROOT / "bpmn").rglob("*.bpmn"):
        declared |= set(re.findall(r'name="stage" value="([^"]+)"', path.read_text(encoding="utf-8")))
    assert declared and declared <= set(STAGES)


@pytest.mark.parametrize(("labels", "values"), [
    (CATEGORY_LABELS, TopicCategory), (SOURCE_LABELS, TopicSource), (STATUS_LABELS, TopicStatus),
])
def test_every_topic_value_has_a_label(labels: dict[str, str], values: type) -> None:
    assert set(labels) == {v.value for v in values}


def test_the_english_catalog_translates_every_label() -> None:
    catalog = (ROOT / "webui/translations/en/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    texts = [*STAGE_LABELS.values(), *CATEGORY_LABELS.values(), *SOURCE_LABELS.values(), *STATUS_LABELS.values()]
    missing = [t for t in texts if not re.search(rf'^msgid "{re.escape(t)}"\nmsgstr "[^"]+"', catalog, re.M)]
    assert missing == []
