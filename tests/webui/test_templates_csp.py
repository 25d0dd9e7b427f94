"""The templates hold nothing the Content-Security-Policy would block: no inline script, handler or style."""
import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "webui" / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_a_template_has_no_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text) and not HANDLER.search(text) and not re.search("javascript:", text)
    if not template.name.endswith("print.html"):  # printed to PDF by WeasyPrint on the server, never sent
        assert not STYLE.search(text), "move the style into webui/static/css (a class)"
