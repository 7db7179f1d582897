"""A consistent copy of the database: SQLite's online backup API, or pg_dump for PostgreSQL.

Either way the copy is written to a temporary file beside the target and renamed into place, so
the target is never a half-written file (a timer that dies midway leaves yesterday's backup alone).
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from sqlalchemy.engine import URL, Engine


class BackupError(Exception):
    """The backup was not made; the message says why and what to do."""


def backup_database(engine: Engine, target: Path, *, force: bool = False) -> int:
    """Copy the database behind `engine` to `target`; returns the copy's size in bytes."""
    target = Path(target).expanduser().absolute()
    check_target(target, force)
    if engine.dialect.name == "sqlite":
        if same_file(engine.url.database, target):
            raise BackupError(f"{target} is the live database itself; choose another path.")
        writer = partial(copy_sqlite, engine)
    elif engine.dialect.name == "postgresql":
        writer = partial(dump_postgresql, engine.url)
    else:
        raise BackupError(f"Backups of {engine.dialect.name} databases are not supported (SQLite and PostgreSQL are).")
    return write_atomically(target, writer, force)


def check_target(target: Path, force: bool) -> None:
    """Refuse early, before any work: a missing directory, a directory as target, or an existing file."""
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} does not exist; create it first (mkdir -p).")
    if target.is_dir():
        raise BackupError(f"{target} is a directory; give the path of the backup file inside it.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; choose another name, or add --force to replace it.")


def same_file(database: str | None, target: Path) -> bool:
    if not database or database == ":memory:" or not target.exists():
        return False
    with contextlib.suppress(OSError):
        return os.path.samefile(database, target)
    return False


def write_atomically(target: Path, writer, force: bool) -> int:
    """Let `writer` fill a private temporary file in the target's directory, then move it into place."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    except OSError as error:
        raise BackupError(f"Cannot write in {target.parent}: {error.strerror}.") from None
    os.close(handle)  # mode 0600: a backup holds personal data (encrypted) and every email address
    temp = Path(name)
    try:
        writer(temp)
        fsync(temp)
        publish(temp, target, force)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync(target.parent)
    return target.stat().st_size


def publish(temp: Path, target: Path, force: bool) -> None:
    """Rename into place; without --force, never over a file that appeared meanwhile."""
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if the target exists, with no window in between
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose another name, or add --force to replace it.") from None
    except OSError:  # a file system without hard links (FAT, some network shares)
        if target.exists():
            raise BackupError(f"{target} already exists; choose another name, or add --force to replace it.") from None
        os.replace(temp, target)
        return
    temp.unlink()


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def copy_sqlite(engine: Engine, temp: Path) -> None:
    """SQLite's online backup: one step, so one read snapshot, which in WAL mode blocks no writer.

    A plain file copy could miss the commits still in the -wal file or catch a page mid-write. The
    copy is switched to a rollback journal, so it is one self-contained file (the shop turns WAL on
    again when it opens a restored copy).
    """
    source = engine.raw_connection()
    destination = sqlite3.connect(temp)
    try:
        source.driver_connection.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")
        result = destination.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"The copy failed SQLite's check ({result}); the database may be damaged.")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}.") from None
    finally:
        destination.close()
        source.close()


def pg_dump_command(url: URL, output: Path, executable: str = "pg_dump") -> tuple[list[str], dict[str, str]]:
    """The pg_dump command line and environment for a SQLAlchemy URL.

    libpq does not know the `+psycopg` driver suffix, so the URL is rebuilt in libpq's form; the
    password goes in PGPASSWORD, because a command line is visible to every user in `ps`.
    """
    libpq = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [executable, "--format=custom", "--no-password", f"--file={output}",
               f"--dbname={libpq.render_as_string(hide_password=False)}"]
    return command, environment


def dump_postgresql(url: URL, temp: Path) -> None:
    executable = shutil.which("pg_dump")
    if executable is None:
        raise BackupError("pg_dump is not installed: install the PostgreSQL client of the server's major version "
                          "or newer (Debian and Ubuntu: apt install postgresql-client).")
    command, environment = pg_dump_command(url, temp, executable)
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {result.returncode}): {result.stderr.strip()}")
