"""The English catalog is complete: every message the code and templates mark has a translation in use."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "webui/translations/en/LC_MESSAGES/messages.po"


def translated(message) -> bool:  # type: ignore[no-untyped-def]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and not message.fuzzy  # a fuzzy entry is left out of the compiled catalog


def test_every_marked_message_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg", "-k", "N_",
                    "-o", str(template), "."], cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as pot, PO.open("rb") as po:
        marked, catalog = read_po(pot), read_po(po)
    missing = sorted({f"{path}: {m.id}" for m in marked if m.id
                      for path, _line in m.locations
                      if (found := catalog.get(m.id, context=m.context)) is None or not translated(found)})
    assert missing == []
