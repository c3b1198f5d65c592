"""A local streaming replica of the project's cluster, to try DATABASE_READ_URL for real.

    bench/replica.sh start    # pg_basebackup -R of the local cluster into .data/pg-replica, started
    bench/replica.sh status   # both servers, the replica's replay lag
    bench/replica.sh stop
    bench/replica.sh remove   # stop and delete the copy

The replica listens on RESEAU_PG_PORT + 100 (or BENCH_REPLICA_PORT). Then, for instance:
    DATABASE_READ_URL=postgresql://reseau@127.0.0.1:<port>/reseau .venv/bin/reseau-api serve
"""

import asyncio
import os
import shutil
import sys

import asyncpg

from reseau_api.core import cluster
from reseau_api.core.config import Settings, get_settings


def replica_settings(primary: Settings) -> Settings:
    port = int(os.environ.get("BENCH_REPLICA_PORT", primary.pg_port + 100))
    return Settings(pg_data_dir=primary.pg_data_dir.parent / "pg-replica", pg_port=port, db_name=primary.db_name)


async def _lag(replica: Settings) -> str:
    dsn = replica.effective_database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres", timeout=5)
    try:
        row = await conn.fetchrow("""
            SELECT pg_is_in_recovery() AS standby,
                   pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up,
                   now() - pg_last_xact_replay_timestamp() AS since_last_replayed
        """)
    finally:
        await conn.close()
    return (f"standby={row['standby']} caught_up={row['caught_up']} "
            f"last replayed transaction {row['since_last_replayed']} ago")


def main(action: str) -> int:
    primary = get_settings()
    if not primary.uses_local_cluster:
        print("DATABASE_URL is set: this script only replicates the project-local cluster.", file=sys.stderr)
        return 1
    replica = replica_settings(primary)
    if action == "start":
        cluster.start(primary)
        state = cluster.start_replica(primary, replica)
        print(f"replica of 127.0.0.1:{primary.pg_port} running on 127.0.0.1:{state.port}, data in {state.data_dir}")
        print(f"DATABASE_READ_URL=postgresql://reseau@127.0.0.1:{state.port}/<database>")
    elif action == "status":
        for name, settings in (("primary", primary), ("replica", replica)):
            state = cluster.status(settings)
            print(f"{name}: {'running' if state.running else 'stopped'} port={state.port} data={state.data_dir}")
        if cluster.status(replica).running:
            print("replica: " + asyncio.run(_lag(replica)))
    elif action == "stop":
        cluster.stop(replica)
        print("replica stopped")
    elif action == "remove":
        cluster.stop(replica, mode="immediate")
        target = replica.pg_data_dir.resolve()
        shutil.rmtree(target, ignore_errors=True)
        if replica.pg_data_dir.is_symlink():
            replica.pg_data_dir.unlink()
        print(f"replica removed ({target})")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
