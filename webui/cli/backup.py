"""`shangliang backup`, `restore` and `verify-backup`: the database and the attachment files, with a manifest of hashes.

A backup is a folder: ``database.sqlite3`` (SQLite's online backup API, a consistent copy while
the server writes) or ``database.dump`` (pg_dump's custom format, one snapshot), the
``attachments/`` tree, and ``manifest.json`` with the sha256 of every file. The database is
copied first and the files after: a file is written before the transaction that records it
commits, so every attachment row in the copy finds its file. ``verify-backup`` recomputes every
hash and checks the database copy can be read; ``restore`` verifies first and refuses to
overwrite a database or folder that holds data unless told to. README.md has the procedure.
"""
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE, PG_FILE = "database.sqlite3", "database.dump"


class BackupError(Exception):
    """A backup could not be made, checked or restored; the message says why."""


def sha256_of(path: Path) -> str:
    """Return the sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink())


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, attachments: Path, destination: Path, now: datetime | None = None) -> Path:
    """Back up the database at ``url`` and the ``attachments`` folder into a new folder under ``destination``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = destination / f"shangliang-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    source = _sqlite_path(url)
    if source is not None:
        if not source.is_file():
            raise BackupError(f"no SQLite database at {source}")
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(folder / SQLITE_FILE)) as copy:
            live.backup(copy)  # one consistent snapshot, whatever the server writes meanwhile
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        kind, name = "sqlite", SQLITE_FILE
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / PG_FILE}", _libpq_url(url)])
        kind, name = "postgresql", PG_FILE
    files: dict[str, str] = {}
    if attachments.is_dir():  # after the database: every row in the copy has its file
        for path in _files(attachments):
            relative = path.relative_to(attachments).as_posix()
            target = folder / "attachments" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files[f"attachments/{relative}"] = sha256_of(target)
    files[name] = sha256_of(folder / name)
    manifest = {"format": FORMAT, "created_at": (now or datetime.now(UTC)).isoformat(), "database": kind,
                "database_file": name, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return folder


def verify(folder: Path) -> list[str]:
    """Return every problem of a backup folder (empty: every hash matches and the database copy reads)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST} cannot be read: {exc}"]
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        return [f"{MANIFEST} is not a shangliang backup manifest of format {FORMAT}"]
    problems = []
    listed: dict[str, str] = manifest["files"]
    for name, digest in sorted(listed.items()):
        path = folder / name
        if ".." in Path(name).parts or not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name}: sha256 differs from the manifest")
    present = {p.relative_to(folder).as_posix() for p in _files(folder)} - {MANIFEST}
    problems += [f"{name}: not in the manifest" for name in sorted(present - set(listed))]
    database = folder / str(manifest.get("database_file", ""))
    if not problems and manifest.get("database") == "sqlite":
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as copy:
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            problems.append(f"{database.name}: integrity check says {result}")
    elif not problems:
        try:
            _run(["pg_restore", "--list", str(database)])
        except BackupError as exc:
            problems.append(f"{database.name}: {exc}")
    return problems


def restore(folder: Path, url: str, attachments: Path, force: bool = False) -> None:
    """Put a verified backup back: the database at ``url`` and the files under ``attachments``."""
    problems = verify(folder)
    if problems:
        raise BackupError("the backup does not verify: " + "; ".join(problems))
    manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if attachments.is_dir() and any(attachments.iterdir()) and not force:
        raise BackupError(f"{attachments} is not empty: restore with --force to replace it")
    target = _sqlite_path(url)
    if manifest["database"] == "sqlite":
        if target is None:
            raise BackupError("this backup holds a SQLite database: restore it to a sqlite:/// URL")
        if target.exists() and not force:
            raise BackupError(f"{target} exists: restore with --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            stale.unlink(missing_ok=True)
        with closing(sqlite3.connect(folder / SQLITE_FILE)) as copy, closing(sqlite3.connect(target)) as live:
            copy.backup(live)
            live.execute("PRAGMA journal_mode=WAL")  # as the server runs it
    else:
        if target is not None:
            raise BackupError("this backup holds a PostgreSQL dump: restore it to a postgresql:// URL")
        options = ["--clean", "--if-exists"] if force else []
        _run(["pg_restore", "--no-owner", "--exit-on-error", *options, f"--dbname={_libpq_url(url)}",
              str(folder / PG_FILE)])
    if attachments.is_dir():
        shutil.rmtree(attachments)
    if (folder / "attachments").is_dir():
        shutil.copytree(folder / "attachments", attachments)
    else:
        attachments.mkdir(parents=True, exist_ok=True)


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def register(main: click.Group) -> None:
    """Add the backup commands to the `shangliang` command."""
    from webui.database import default_attachment_dir, default_database_url

    @main.command("backup")
    @click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(destination: Path) -> None:
        """Back up the database and the attachments into a new folder under DESTINATION; print its path."""
        try:
            folder = backup(default_database_url(), default_attachment_dir(), destination)
        except BackupError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        click.echo(str(folder))

    @main.command("verify-backup")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def verify_command(folder: Path) -> None:
        """Check every file of a backup against its manifest and that its database copy reads."""
        problems = verify(folder)
        for problem in problems:
            click.echo(f"problem: {problem}", err=True)
        if problems:
            sys.exit(1)
        click.echo("backup verified")

    @main.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="replace the database and attachments that are there")
    def restore_command(folder: Path, force: bool) -> None:
        """Restore a verified backup to SHANGLIANG_DATABASE_URL and the attachment folder (stop the server first)."""
        try:
            restore(folder, default_database_url(), default_attachment_dir(), force)
        except BackupError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        click.echo("restored; run `shangliang init-db` to bring an older backup's schema up to date")
