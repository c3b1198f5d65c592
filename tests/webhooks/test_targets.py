"""SSRF: webhook targets must be https and resolve to public addresses only, checked when saved and
again when delivering (the request then goes to the checked address)."""

import httpx
import pytest

from reseau_api.core.config import get_settings
from reseau_api.webhooks import targets, worker
from tests.webhooks.receiver import receiving


@pytest.mark.parametrize(("url", "reason"), [
    ("http://93.184.216.34/hook", "must be an https:// URL"),
    ("ftp://93.184.216.34/hook", "must be an https:// URL"),
    ("https://127.0.0.1/hook", "its host '127.0.0.1' resolves to a non-public address (127.0.0.1)"),
    ("https://localhost:8443/hook", "its host 'localhost' resolves to a non-public address"),
    ("https://10.1.2.3/hook", "resolves to a non-public address (10.1.2.3)"),
    ("https://192.168.1.10/hook", "resolves to a non-public address (192.168.1.10)"),
    ("https://172.16.0.1/hook", "resolves to a non-public address (172.16.0.1)"),
    ("https://169.254.169.254/latest/meta-data", "resolves to a non-public address (169.254.169.254)"),
    ("https://100.100.100.200/", "resolves to a non-public address (100.100.100.200)"),
    ("https://0.0.0.0/hook", "resolves to a non-public address (0.0.0.0)"),
    ("https://[::1]/hook", "resolves to a non-public address (::1)"),
    ("https://[fd00:ec2::254]/hook", "resolves to a non-public address (fd00:ec2::254)"),
    ("https://[fe80::1]/hook", "resolves to a non-public address (fe80::1)"),
    ("https://[::ffff:127.0.0.1]/hook", "resolves to a non-public address (::ffff:127.0.0.1)"),
    ("https://224.0.0.1/hook", "resolves to a non-public address (224.0.0.1)"),
    ("https://user:pass@93.184.216.34/hook", "must not contain credentials"),
    ("https://93.184.216.34:99999/hook", "has an invalid port"),
    ("https://nowhere.invalid/hook", "its host 'nowhere.invalid' does not resolve"),
    ("https:///hook", "has no host"),
])
async def test_unsafe_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(targets.UnsafeTarget) as refused:
        await targets.resolve(url, allow_local=False)
    assert reason in str(refused.value)


async def test_a_public_address_is_accepted_and_pinned() -> None:
    target = await targets.resolve("https://93.184.216.34:8443/a?b=1", allow_local=False)
    assert target == targets.Target("https", "93.184.216.34", 8443, "/a?b=1", "93.184.216.34")


async def test_the_setting_admits_local_targets() -> None:
    target = await targets.resolve("http://127.0.0.1:9/hook", allow_local=True)
    assert (target.scheme, target.address) == ("http", "127.0.0.1")


async def test_a_delivery_to_a_target_that_became_local_is_refused_before_connecting() -> None:
    """Saved while allowed (or while its name pointed elsewhere): the check at delivery still refuses."""
    settings = get_settings().model_copy(update={"webhook_allow_local_targets": False})
    with receiving() as receiver:
        async with httpx.AsyncClient() as client:
            with pytest.raises(targets.UnsafeTarget, match="must be an https:// URL"):
                await worker.send(client, receiver.url, b"{}", {}, settings)
            https_url = receiver.url.replace("http://", "https://")
            with pytest.raises(targets.UnsafeTarget, match="non-public address"):
                await worker.send(client, https_url, b"{}", {}, settings)
        assert receiver.requests == []
