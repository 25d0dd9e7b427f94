"""Run the `shangliang` command as `python -m webui.cli`."""
from webui.cli.commands import main

main()
