"""A throw-away PostgreSQL server for tests and benchmarks: `initdb` in a temporary folder, the
server listening only on a unix socket in that folder (no TCP port to clash with anyone's),
durability off (nothing in it outlives the run), stopped and deleted at the end.

PostgreSQL refuses to run as root, so when started by root (as CI is) the server runs as the
`postgres` user the distribution's package creates, else as `nobody`.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROLE = "sportello"
"""The superuser of the cluster, with trust authentication over its socket."""
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
}


class Unavailable(Exception):
    """What is missing to start a server here, in a sentence."""


def binaries() -> Path:
    """The folder of initdb and pg_ctl: `pg_config --bindir`, else the newest version installed
    by Debian's packages (/usr/lib/postgresql/*/bin), else initdb on the PATH."""
    found = []
    if pg_config := shutil.which("pg_config"):
        found.append(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                    check=False).stdout.strip())
    found += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda path: int(Path(path).parent.name), reverse=True)
    if initdb := shutil.which("initdb"):
        found.append(str(Path(initdb).resolve().parent))
    for folder in found:
        if folder and all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl): install PostgreSQL, "
                      "e.g. apt-get install postgresql")


def _server_account() -> pwd.struct_passwd | None:
    """Whom to run the server as: None for ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise Unavailable("running as root, and no 'postgres' or 'nobody' user to run the server as")


@dataclass
class Cluster:
    folder: Path
    """Holds the data directory, the log and the socket."""
    bin: Path
    account: pwd.struct_passwd | None

    @classmethod
    def start(cls) -> Cluster:
        if importlib.util.find_spec("psycopg") is None:
            raise Unavailable("psycopg is not installed: pip install -e '.[postgres]'")
        bin_folder, account = binaries(), _server_account()
        folder = Path(tempfile.mkdtemp(prefix="sportello-pg-"))
        cluster = cls(folder, bin_folder, account)
        try:
            if account is not None:
                os.chown(folder, account.pw_uid, account.pw_gid)
            cluster._run("initdb", "-D", "data", "-U", ROLE, "-A", "trust", "-E", "UTF8",
                         "--no-locale", "--no-sync", "--no-instructions")
            settings = {**SETTINGS, "unix_socket_directories": f"'{folder}'"}
            with (folder / "data" / "postgresql.conf").open("a") as conf:
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            cluster._run("pg_ctl", "-D", "data", "-l", "log", "-w", "-s", "start")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cluster

    def _run(self, tool: str, *args: str) -> None:
        as_user: dict[str, Any] = {}
        if self.account is not None:
            as_user = {"user": self.account.pw_uid, "group": self.account.pw_gid,
                       "extra_groups": []}
        done = subprocess.run([str(self.bin / tool), *args], cwd=self.folder, capture_output=True,
                              text=True, check=False, **as_user)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise Unavailable(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}"
                              f"\n{tail}".strip())

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.folder}&user={ROLE}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "-s", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Scratch:
    """A migrated database to use again and again: `empty()` empties every table and sets every
    id counter back to 1, as in a new SQLite file, many times faster than TRUNCATE or a new
    database."""

    url: str
    conn: Any
    emptying: str

    @classmethod
    @contextmanager
    def create(cls, cluster: Cluster, name: str) -> Iterator[Scratch]:
        from storage.postgres import connect, migrate

        url = cluster.create_database(name)
        with connect(url) as conn:
            migrate(conn)
            tables = [row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_migrations'")]
            counters = [row[0] for row in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
            conn.execute("SET session_replication_role = replica")  # no foreign keys: any order
            conn.execute("SET lock_timeout = '10s'")  # someone left a transaction open: fail
            yield cls(url, conn, "; ".join([
                *(f"DELETE FROM {table}" for table in tables),
                *(f"ALTER SEQUENCE {counter} RESTART" for counter in counters)]))

    def empty(self) -> None:
        self.conn.execute(self.emptying)
