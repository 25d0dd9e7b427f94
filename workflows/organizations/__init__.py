"""The organization tree and its units, administered by system administrators (pages, API, CLI, import)."""
