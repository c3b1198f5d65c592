"""Limits of the import, from the environment (prefix RESEAU_) like the core settings."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpendataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RESEAU_", env_file=".env", extra="ignore")

    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)  # RESEAU_IMPORT_MAX_BYTES
    import_max_rows: int = Field(default=20_000, ge=1)  # RESEAU_IMPORT_MAX_ROWS


@lru_cache
def get_opendata_settings() -> OpendataSettings:
    return OpendataSettings()
