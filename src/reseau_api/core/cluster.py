"""The project-local PostgreSQL cluster used by `make run` and `make test` (never in production).

It lives in `.data/pg` (initdb + pg_ctl, its own port, TCP on 127.0.0.1 only, trust auth for the
local `reseau` superuser). PostgreSQL refuses to run as root, so as root every server command runs as
the `postgres` system user; when that user cannot reach the checkout (a private home folder), the
cluster lives in /var/lib/reseau-api/<hash of the checkout path> and `.data/pg` links to it.
"""

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reseau_api.core.config import Settings

SUPERUSER = "reseau"
FALLBACK_ROOT = Path("/var/lib/reseau-api")


class ClusterError(RuntimeError):
    pass


@dataclass
class ClusterStatus:
    running: bool
    data_dir: Path
    port: int


def bin_dir() -> Path:
    """The newest installed PostgreSQL server binaries (Debian keeps them out of PATH)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise ClusterError(
        "PostgreSQL server binaries not found. Install them: "
        "apt-get install postgresql postgresql-<version>-postgis-3 (make run does it as root)."
    )


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if _is_root() else cmd


def _run(cmd: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=check)  # noqa: S603


def _server_user_can_write(path: Path) -> bool:
    return _run(["test", "-w", str(path)], check=False).returncode == 0


def data_dir(settings: Settings) -> Path:
    """Where the cluster lives, creating the folder (and the root fallback) when needed."""
    wanted = settings.pg_data_dir
    if wanted.is_symlink() or wanted.exists():
        return wanted.resolve()
    wanted.parent.mkdir(parents=True, exist_ok=True)
    if not _is_root():
        wanted.mkdir(mode=0o700)
        return wanted
    wanted.parent.chmod(0o755)
    wanted.mkdir(mode=0o700)
    shutil.chown(wanted, "postgres", "postgres")
    if _server_user_can_write(wanted):
        return wanted
    wanted.rmdir()
    digest = hashlib.sha1(str(wanted.resolve()).encode()).hexdigest()[:12]  # noqa: S324
    fallback = FALLBACK_ROOT / digest / "pg"
    fallback.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in (fallback.parent, fallback):
        shutil.chown(folder, "postgres", "postgres")
    wanted.symlink_to(fallback)
    return fallback


def status(settings: Settings) -> ClusterStatus:
    pgdata = settings.pg_data_dir.resolve()
    running = False
    if (pgdata / "PG_VERSION").exists():
        running = _run([str(bin_dir() / "pg_ctl"), "-D", str(pgdata), "status"], check=False).returncode == 0
    return ClusterStatus(running=running, data_dir=pgdata, port=settings.pg_port)


def init(settings: Settings) -> Path:
    pgdata = data_dir(settings)
    if (pgdata / "PG_VERSION").exists():
        return pgdata
    result = _run([
        str(bin_dir() / "initdb"), "-D", str(pgdata), "-U", SUPERUSER, "--auth=trust",
        "-E", "UTF8", "--locale=C.UTF-8",
    ], check=False)
    if result.returncode != 0:
        raise ClusterError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    conf = (
        "\n# reseau-api local cluster\n"
        "listen_addresses = '127.0.0.1'\n"
        "unix_socket_directories = ''\n"
        "max_connections = 200\n"
        "shared_buffers = 256MB\n"
        "work_mem = 16MB\n"
        "jit = off\n"
    )
    _run(["sh", "-c", f"cat >> '{pgdata}/postgresql.conf' <<'EOF'\n{conf}EOF"])
    return pgdata


def start(settings: Settings) -> ClusterStatus:
    """Start the cluster if needed (initialising it the first time). Idempotent."""
    current = status(settings)
    if current.running:
        return current
    pgdata = init(settings)
    result = _run([
        str(bin_dir() / "pg_ctl"), "-D", str(pgdata), "-l", str(pgdata / "server.log"),
        "-o", f"-p {settings.pg_port}", "-w", "-t", "60", "start",
    ], check=False)
    if result.returncode != 0:
        log_file = pgdata / "server.log"
        log_tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
        raise ClusterError(f"pg_ctl start failed (port {settings.pg_port} taken?):\n{result.stderr}\n{log_tail}")
    return status(settings)


def stop(settings: Settings, *, mode: str = "fast") -> ClusterStatus:
    current = status(settings)
    if current.running:
        _run([str(bin_dir() / "pg_ctl"), "-D", str(current.data_dir), "-m", mode, "-w", "stop"])
    return status(settings)


def create_database(settings: Settings, name: str, *, drop_first: bool = False) -> None:
    """CREATE DATABASE on the server of the effective URL, if it does not exist yet."""
    import asyncio

    import asyncpg

    async def _create() -> None:
        dsn = admin_dsn(settings)
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            if drop_first:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    if not name.replace("_", "").isalnum():
        raise ClusterError(f"Refusing database name {name!r}")
    asyncio.run(_create())


def admin_dsn(settings: Settings) -> str:
    """A plain asyncpg DSN to the `postgres` maintenance database of the same server."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.effective_database_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


def allow_replication(settings: Settings) -> bool:
    """Make sure the cluster accepts replication connections from 127.0.0.1; True when it had to add it.

    initdb --auth=trust already writes such a line; an older or hand-made cluster may lack it.
    """
    pgdata = settings.pg_data_dir.resolve()
    hba = _run(["cat", str(pgdata / "pg_hba.conf")]).stdout
    for line in hba.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 4 and fields[0] == "host" and fields[1] == "replication" and fields[3] in (
                "127.0.0.1/32", "all", "samehost"):
            return False
    _run(["sh", "-c", f"echo 'host replication {SUPERUSER} 127.0.0.1/32 trust' >> '{pgdata}/pg_hba.conf'"])
    _run([str(bin_dir() / "pg_ctl"), "-D", str(pgdata), "reload"])
    return True


def start_replica(primary: Settings, replica: Settings) -> ClusterStatus:
    """A streaming replica of the running `primary`, in replica.pg_data_dir on replica.pg_port, started.

    `pg_basebackup -R` copies the primary and writes standby.signal and primary_conninfo, so the copy
    starts as a hot standby that replays the primary's WAL as it streams in (read-only queries allowed).
    Reused when it already exists.
    """
    if not (replica.pg_data_dir.resolve() / "PG_VERSION").exists():
        allow_replication(primary)
        pgdata = data_dir(replica)
        result = _run([
            str(bin_dir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.pg_port), "-U", SUPERUSER,
            "-D", str(pgdata), "-R", "-X", "stream", "-c", "fast",
        ], check=False)
        if result.returncode != 0:
            raise ClusterError(f"pg_basebackup failed:\n{result.stdout}\n{result.stderr}")
    return start(replica)
