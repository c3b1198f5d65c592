"""Settings, read once from the environment (prefix RESEAU_) and an optional .env file."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository's run-time files (alembic.ini, migrations/, web/): the checkout, or, in an installed wheel,
# the copy of them that setup.py bundles into the package.
_BUNDLE = Path(__file__).resolve().parents[1] / "_bundle"
PROJECT_ROOT = _BUNDLE if _BUNDLE.is_dir() else Path(__file__).resolve().parents[3]
# The data sets shipped inside the package (in the checkout and in the wheel alike).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DEFAULT_PG_PORT = 54320


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RESEAU_", env_file=".env", extra="ignore")

    # Empty means "the project-local cluster started by `reseau-api db up`".
    database_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_URL", "RESEAU_DATABASE_URL")
    )
    # Optional read replica (PostgreSQL streaming replica): public read-only requests go there.
    database_read_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_READ_URL", "RESEAU_DATABASE_READ_URL")
    )
    pg_port: int = DEFAULT_PG_PORT
    pg_data_dir: Path = PROJECT_ROOT / ".data" / "pg"
    db_name: str = "reseau"

    db_pool_size: int = Field(default=20, ge=1, le=200)  # >= concurrent requests per worker: no churn
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_pool_timeout_s: float = Field(default=2.0, gt=0)
    db_connect_timeout_s: float = Field(default=1.5, gt=0)
    db_statement_timeout_ms: int = Field(default=5000, ge=100)

    cors_origins: list[str] = ["*"]
    log_format: str = Field(default="plain", pattern="^(plain|json)$")
    log_level: str = "info"

    public_base_url: str = ""
    # Without a public base URL, links are built from the request's Host, which must be one of these.
    allowed_hosts: list[str] = ["localhost", "127.0.0.1", "::1"]
    # The /carte page draws no external basemap unless this raster tile URL template is set.
    map_basemap_url: str = ""
    map_basemap_attribution: str = ""
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    # Writes per API key, and failed authentications per client address: counted in PostgreSQL, so
    # shared by every worker and host.
    write_rate_per_minute: float = Field(default=60, gt=0)
    write_burst: int = Field(default=20, ge=1)
    auth_failures_per_minute: float = Field(default=10, gt=0)
    auth_failure_burst: int = Field(default=10, ge=1)
    # Peers (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto are believed. Default: none,
    # so that a client cannot choose the address its failures are counted on.
    trusted_proxies: list[str] = []

    # Good practices: Markdown rendering runs in a child process killed after this long (then 422).
    markdown_render_timeout_s: float = Field(default=1.0, gt=0, le=30)

    # Bulk import (CLI and POST /v1/imports)
    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=20_000, ge=1)

    region_departements: list[str] = [
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
    ]

    # Change feed and webhooks (docs/architecture.md, "Change feed and webhooks")
    feed_retention_days: int = Field(default=90, ge=90, le=3650)
    # Base64 of 32 bytes: the AES-GCM key of the stored webhook secrets. Empty with the local cluster:
    # a key file is created next to it (.data/webhook-secret.key); required with DATABASE_URL.
    webhook_secret_key: str = ""
    # Allow http:// and loopback/private targets (tests, development). Never in production.
    webhook_allow_local_targets: bool = False
    webhook_timeout_s: float = Field(default=10, gt=0, le=60)
    # Multiplies the retry schedule (tests shrink it); 1 = the documented ~27 h.
    webhook_retry_scale: float = Field(default=1.0, gt=0, le=1)
    webhook_disable_after_failures: int = Field(default=20, ge=1)
    # A claimed delivery not recorded within this time (worker killed) is attempted again.
    webhook_lease_s: float = Field(default=60, ge=1)
    worker_poll_s: float = Field(default=5, gt=0)

    # Freshness of listings (editorial/freshness.py): days since the last confirmation or edit after
    # which a listing is `a_verifier`, then `obsolete`.
    fraicheur_a_verifier_jours: int = Field(default=180, ge=1, le=3650)
    fraicheur_obsolete_jours: int = Field(default=365, ge=2, le=7300)

    @model_validator(mode="after")
    def obsolete_after_check(self) -> "Settings":
        if self.fraicheur_obsolete_jours <= self.fraicheur_a_verifier_jours:
            raise ValueError("RESEAU_FRAICHEUR_OBSOLETE_JOURS must exceed RESEAU_FRAICHEUR_A_VERIFIER_JOURS")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return to_asyncpg_url(self.database_url)
        return f"postgresql+asyncpg://reseau@127.0.0.1:{self.pg_port}/{self.db_name}"

    @property
    def effective_read_database_url(self) -> str:
        """The replica's URL for the asyncpg driver, or "" when reads share the primary."""
        return to_asyncpg_url(self.database_read_url) if self.database_read_url else ""

    @property
    def uses_local_cluster(self) -> bool:
        return not self.database_url


def to_asyncpg_url(url: str) -> str:
    """Accept the usual `postgres://` / `postgresql://` forms and pick the asyncpg driver."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
