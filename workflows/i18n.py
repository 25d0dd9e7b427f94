"""The marker for labels the domain defines and the pages translate when they show them.

``N_`` returns its text unchanged; ``make messages`` (babel.cfg, ``-k N_``) finds it and puts
the text in the catalog. The domain keeps its own marker so it never imports the web;
webui/i18n.py hands the same one to the pages. ``translate`` words a message for a reader who is not
at a page: a notice read through the API, an e-mail to a route.
"""
import functools
import gettext
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.support import Translations


def N_(message: str) -> str:
    """Mark a label for the catalog without translating it here (the page calls _() on it)."""
    return message


# The catalogs live with the pages (webui/translations, compiled by `make messages`/`make install`); the
# domain reads them as files, never importing the web, to word notices for a reader who is not at a page.
CATALOGS = Path(__file__).resolve().parents[1] / "webui" / "translations"


@functools.cache
def _catalog(locale: str) -> gettext.NullTranslations:
    return Translations.load(str(CATALOGS), [locale]) if locale != "zh" else gettext.NullTranslations()


def translate(message: str, locale: str, params: Mapping[str, Any] | None = None) -> str:
    """Return a catalog message in ``locale`` (Chinese when it has no translation), its values filled in."""
    text = _catalog(locale).gettext(message) if message else ""
    try:
        return text % dict(params) if params else text
    except (KeyError, TypeError, ValueError):  # a translation that names a value the message lacks
        return message % dict(params) if params else message
