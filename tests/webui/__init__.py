"""Web app and CLI tests."""
