"""Public participation: proposals residents send without signing in, the office's one triage queue for every
source of a topic (with merging and full-text search), online deliberation and the public results."""
