"""Webhook signing secrets: generated here, shown once, stored encrypted.

The worker must sign with the secret itself (HMAC), so it cannot be stored as a one-way hash like API
keys. It is stored AES-256-GCM encrypted (nonce || ciphertext, the subscription id as associated data,
so a ciphertext copied onto another row does not decrypt): a database dump or backup alone does not
let anyone forge deliveries. The key is `RESEAU_WEBHOOK_SECRET_KEY` (base64 of 32 bytes); with the
project-local cluster and no key set, one is created once in `.data/webhook-secret.key` (mode 600).
Losing the key only means re-creating the subscriptions (new secrets).
"""

import base64
import binascii
import os
import secrets
import uuid
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from reseau_api.core.config import Settings, get_settings

PREFIX = "whsec_"


class MissingKey(RuntimeError):
    pass


def generate() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def _key_file(settings: Settings) -> Path:
    return settings.pg_data_dir.parent / "webhook-secret.key"


@lru_cache
def _key() -> bytes:
    settings = get_settings()
    encoded = settings.webhook_secret_key
    if not encoded and settings.uses_local_cluster:
        path = _key_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(base64.b64encode(secrets.token_bytes(32)).decode())
        except FileExistsError:
            pass
        encoded = path.read_text().strip()
    if not encoded:
        raise MissingKey("set RESEAU_WEBHOOK_SECRET_KEY (base64 of 32 random bytes) to use webhooks")
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 32:
        raise MissingKey("RESEAU_WEBHOOK_SECRET_KEY must be the base64 of exactly 32 bytes")
    return key


def encrypt(subscription_id: uuid.UUID, secret: str) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_key()).encrypt(nonce, secret.encode(), subscription_id.bytes)


def decrypt(subscription_id: uuid.UUID, stored: bytes) -> str:
    return AESGCM(_key()).decrypt(stored[:12], stored[12:], subscription_id.bytes).decode()
