"""The channel's configuration, read from the environment (nothing secret lives in the repository).

HAINA_WECHAT_APPID, HAINA_WECHAT_SECRET and HAINA_WECHAT_TOKEN are required; with
HAINA_WECHAT_AES_KEY (the 43-character EncodingAESKey) the channel runs in safe mode and also
accepts the compatible mode's messages. HAINA_WECHAT_API_BASE moves the API to the simulator.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from haina import paths

REQUIRED = ("HAINA_WECHAT_APPID", "HAINA_WECHAT_SECRET", "HAINA_WECHAT_TOKEN")
DEFAULT_API_BASE = "https://api.weixin.qq.com"


class SettingsError(ValueError):
    """The channel cannot start with this configuration (the message says what to set)."""


@dataclass(frozen=True)
class WeChatSettings:
    appid: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    aes_key: str | None = field(default=None, repr=False)
    api_base: str = DEFAULT_API_BASE
    redis_url: str | None = None
    state_dir: Path = paths.VAR / "wechat"
    # WeChat waits 5 s for an answer; after this many seconds the answer goes through the
    # customer-service API instead.
    passive_deadline_s: float = 4.5
    # A signed request older or newer than this is refused (and nonces are remembered this long).
    max_clock_skew_s: int = 300
    max_body_bytes: int = 64 * 1024
    # How long the user's last numbered options, location and WeChat language are remembered.
    options_ttl_s: int = 24 * 3600
    location_ttl_s: int = 3600
    profile_ttl_s: int = 7 * 24 * 3600

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)

    @property
    def dedup_ttl_s(self) -> int:
        """A message's state is kept for as long as a signed copy of it can still be accepted."""
        return 2 * self.max_clock_skew_s

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "WeChatSettings":
        env = os.environ if env is None else env
        missing = [name for name in REQUIRED if not env.get(name)]
        if missing:
            raise SettingsError(f"the WeChat channel needs the environment variables {', '.join(missing)}")
        aes_key = env.get("HAINA_WECHAT_AES_KEY") or None
        if aes_key is not None and not _valid_aes_key(aes_key):
            raise SettingsError("HAINA_WECHAT_AES_KEY must be the 43-character EncodingAESKey (letters and digits)")
        values: dict[str, Any] = {
            "appid": env["HAINA_WECHAT_APPID"],
            "secret": env["HAINA_WECHAT_SECRET"],
            "token": env["HAINA_WECHAT_TOKEN"],
            "aes_key": aes_key,
            "api_base": (env.get("HAINA_WECHAT_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
            "redis_url": env.get("HAINA_REDIS_URL") or None,
            "state_dir": Path(env.get("HAINA_WECHAT_STATE_DIR") or paths.VAR / "wechat"),
        }
        values.update(overrides)
        return cls(**values)


def _valid_aes_key(key: str) -> bool:
    """43 base64 characters that decode to the 32-byte AES key (as WeChat defines EncodingAESKey)."""
    if len(key) != 43 or not key.isalnum():
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except binascii.Error:
        return False


def enabled(env: Mapping[str, str] | None = None) -> bool:
    """Whether the variables the channel needs are all set."""
    env = os.environ if env is None else env
    return all(env.get(name) for name in REQUIRED)
