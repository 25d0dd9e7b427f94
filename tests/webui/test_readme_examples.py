"""README's command-line examples print what their comments say."""
import re
from pathlib import Path

from click.testing import CliRunner

from webui.cli.commands import main

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_deadline_example_prints_the_date_it_promises(db_url):
    line = next(row for row in README.read_text(encoding="utf-8").splitlines() if "shangliang deadline " in row)
    command, comment = line.split("#", 1)
    args = command.split("shangliang deadline", 1)[1].split()
    promised = re.search(r"\d{4}-\d{2}-\d{2}", comment).group(0)
    result = CliRunner().invoke(main, ["deadline", *args], env={"SHANGLIANG_DATABASE_URL": db_url})
    assert result.exit_code == 0 and result.output.split()[0] == promised
