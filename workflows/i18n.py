"""The marker for labels the domain defines and the pages translate when they show them.

``N_`` returns its text unchanged; ``make messages`` (babel.cfg, ``-k N_``) finds it and puts
the text in the catalog. The domain keeps its own marker so it never imports the web;
webui/i18n.py hands the same one to the pages.
"""


def N_(message: str) -> str:
    """Mark a label for the catalog without translating it here (the page calls _() on it)."""
    return message
