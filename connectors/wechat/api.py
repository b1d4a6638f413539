"""The Official Account API the channel calls: customer-service messages and the user's language.

Built on wechatpy's WeChatClient. The access token is kept in the channel's store (so every
process shares it), stored for five minutes less than WeChat grants, so it is refreshed before it
expires; a call that fails because the token expired or was revoked (40001, 40014, 42001) fetches
a new one and is retried once. The API base address is configurable for the simulator only.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from connectors.wechat.settings import WeChatSettings
from connectors.wechat.store import Store, TokenStorage

logger = logging.getLogger(__name__)

TOKEN_ERRORS = {40001, 40014, 42001}
REFRESH_MARGIN_S = 300
TIMEOUT_S = (3.05, 10)
PROFILE_TIMEOUT_S = (1.5, 2.0)  # the language lookup runs inside the 5-second budget


class AccountClient(WeChatClient):
    """WeChatClient with a configurable base address and a token refreshed before it expires."""

    def __init__(self, settings: WeChatSettings, store: Store) -> None:
        super().__init__(settings.appid, settings.secret, session=TokenStorage(store), timeout=TIMEOUT_S,
                         auto_retry=False)
        self.API_BASE_URL = f"{settings.api_base}/cgi-bin/"
        self.token_url = f"{settings.api_base}/cgi-bin/token"
        self._token_lock = threading.Lock()

    def fetch_access_token(self) -> dict:
        response = self._http.get(self.token_url, timeout=TIMEOUT_S, params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        try:
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError):
            raise WeChatClientException(None, "token endpoint failed", client=self, response=response) from None
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self, response=response)
        expires_in = int(result.get("expires_in") or 7200)
        self.session.set(self.access_token_key, result["access_token"], max(60, expires_in - REFRESH_MARGIN_S))
        self.expires_at = int(time.time()) + expires_in
        logger.info("wechat.token.fetched expires_in=%s", expires_in)
        return result

    @property
    def access_token(self) -> str:
        token = self.session.get(self.access_token_key)
        if token:
            return token
        with self._token_lock:  # one fetch per process when many sends start at once
            token = self.session.get(self.access_token_key)
            if not token:
                self.fetch_access_token()
                token = self.session.get(self.access_token_key)
        return token

    def call(self, method, *args, **kwargs):
        """Call an API method; on a token error, drop the token, fetch a new one and retry once."""
        used = self.access_token
        try:
            return method(*args, **kwargs)
        except WeChatClientException as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            logger.info("wechat.token.rejected errcode=%s; fetching a new one", error.errcode)
            with self._token_lock:
                if self.session.get(self.access_token_key) == used:
                    self.session.delete(self.access_token_key)
            return method(*args, **kwargs)


class AccountApi:
    """The two calls the channel makes, as coroutines (wechatpy is synchronous: run in threads)."""

    def __init__(self, settings: WeChatSettings, store: Store) -> None:
        self.client = AccountClient(settings, store)

    async def send_text(self, openid: str, text: str) -> bool:
        """Send one customer-service text message; False (logged, never raised) when WeChat refuses."""
        try:
            await asyncio.to_thread(self.client.call, self.client.message.send_text, openid, text)
            return True
        except WeChatClientException as error:
            # 45015: the user has not written in the last 48 hours; 45047: too many messages since;
            # 48001: this account has no customer-service permission.
            logger.warning("wechat.send.refused errcode=%s", error.errcode)
        except requests.RequestException as error:
            logger.warning("wechat.send.failed %s", type(error).__name__)
        return False

    async def profile_language(self, openid: str) -> str | None:
        """The `language` of the user's WeChat profile (zh_CN, zh_TW, en, …), None when unknown."""

        def lookup() -> dict:
            return self.client.get("user/info", params={"openid": openid, "lang": "zh_CN"},
                                   timeout=PROFILE_TIMEOUT_S)

        try:
            result = await asyncio.to_thread(self.client.call, lookup)
        except (WeChatClientException, requests.RequestException) as error:
            logger.info("wechat.profile.unavailable %s", getattr(error, "errcode", None) or type(error).__name__)
            return None
        language = result.get("language") if isinstance(result, dict) else None
        return language if isinstance(language, str) and language else None
