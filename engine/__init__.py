"""engine"""
# Importing the engine installs the open-task tally on every Session (engine/tally.py).
from workflows.supervision import tally as _tally  # noqa: F401
