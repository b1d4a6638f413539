"""The channel's store (disk and Redis) and the access token kept in it."""

from __future__ import annotations

import os
import secrets
import threading

import pytest

from connectors.wechat.api import REFRESH_MARGIN_S, AccountApi
from connectors.wechat.settings import WeChatSettings
from connectors.wechat.simulator import ApiServer
from connectors.wechat.store import DiskStore, RedisStore, open_store

REDIS_URL = "redis://127.0.0.1:6379/0"
OPENID = "oHaina0000000000000000000001"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_store():
    store = RedisStore(REDIS_URL, prefix=f"haina:test:{secrets.token_hex(6)}:")
    try:
        store.redis.ping()
    except Exception as error:
        message = f"Redis at {REDIS_URL} is unreachable: {type(error).__name__}"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    yield store
    for key in store.redis.scan_iter(store.prefix + "*"):
        store.redis.delete(key)
    store.close()


@pytest.fixture(params=["disk", "redis"])
def store(request, tmp_path):
    if request.param == "redis":
        return request.getfixturevalue("redis_store")
    return DiskStore(tmp_path / "state.db")


def test_set_get_add_replace_delete(store):
    assert store.get("a") is None
    store.set("a", "1", 60)
    assert store.get("a") == "1"
    assert not store.add("a", "2", 60) and store.get("a") == "1"
    assert store.add("b", "x", 60)
    assert not store.replace("a", "wrong", "3", 60) and store.get("a") == "1"
    assert store.replace("a", "1", "3", 60) and store.get("a") == "3"
    assert not store.replace("missing", "1", "2", 60) and store.get("missing") is None
    store.delete("a")
    assert store.get("a") is None


def test_disk_entries_expire(tmp_path):
    clock = Clock()
    store = DiskStore(tmp_path / "state.db", clock=clock)
    store.set("k", "v", 10)
    assert store.add("n", "first", 10)
    clock.now += 11
    assert store.get("k") is None
    assert not store.replace("k", "v", "w", 10)  # an expired value cannot be compared
    assert store.add("n", "second", 10) and store.get("n") == "second"


def test_redis_entries_expire(redis_store):
    import time

    redis_store.set("k", "v", 0.2)
    assert redis_store.get("k") == "v"
    time.sleep(0.3)
    assert redis_store.get("k") is None and redis_store.add("k", "again", 1)


def test_only_one_claim_wins_across_connections(store, tmp_path):
    """Many threads with their own connection (as separate processes would) claim one key."""
    stores = [DiskStore(tmp_path / "state.db") if isinstance(store, DiskStore) else
              RedisStore(REDIS_URL, prefix=store.prefix) for _ in range(8)]
    wins: list[int] = []
    barrier = threading.Barrier(len(stores))

    def claim(i: int) -> None:
        barrier.wait()
        if stores[i].add("msg:42", "processing", 60):
            wins.append(i)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1


def test_open_store_picks_redis_only_with_a_url(tmp_path):
    assert isinstance(open_store(None, tmp_path), DiskStore)
    assert (tmp_path / "state.db").exists()
    assert isinstance(open_store(REDIS_URL, tmp_path), RedisStore)


# -- the access token ------------------------------------------------------------------------------

@pytest.fixture
async def api_server():
    server = ApiServer(WeChatSettings(appid="wx1234567890abcdef", secret="secret", token="t"))
    url = await server.start()
    server.url = url
    yield server
    await server.stop()


def account(url: str, store, secret: str = "secret") -> AccountApi:
    return AccountApi(WeChatSettings(appid="wx1234567890abcdef", secret=secret, token="t", api_base=url), store)


async def test_the_token_is_fetched_once_and_shared_by_processes(api_server, store):
    first, second = account(api_server.url, store), account(api_server.url, store)
    assert await first.send_text(OPENID, "one")
    assert await first.send_text(OPENID, "two")
    assert await second.send_text(OPENID, "three")  # another process, same store: same token
    assert api_server.token_requests == 1
    assert [m.text for m in api_server.sent] == ["one", "two", "three"]


async def test_the_token_is_refreshed_before_it_expires(api_server, tmp_path):
    clock = Clock()
    store = DiskStore(tmp_path / "state.db", clock=clock)
    api = account(api_server.url, store)
    assert await api.send_text(OPENID, "one")
    clock.now += 7200 - REFRESH_MARGIN_S - 1
    assert await api.send_text(OPENID, "two") and api_server.token_requests == 1
    clock.now += 2  # five minutes before WeChat would expire it, it is fetched again
    assert await api.send_text(OPENID, "three") and api_server.token_requests == 2


async def test_an_expired_token_is_replaced_and_the_call_retried_once(api_server, store):
    api = account(api_server.url, store)
    assert await api.send_text(OPENID, "one")
    api_server.expire_tokens()  # WeChat now answers 42001 for the cached token
    assert await api.send_text(OPENID, "two")
    assert api_server.token_requests == 2
    assert [m.text for m in api_server.sent] == ["one", "two"]  # delivered exactly once
    assert api_server.send_attempts == 3


async def test_a_token_that_keeps_failing_is_retried_only_once(api_server, store):
    api_server.token_lifetime_s = -1  # every token is already expired
    api = account(api_server.url, store)
    assert not await api.send_text(OPENID, "never")
    assert api_server.send_attempts == 2 and api_server.sent == []


async def test_a_wrong_secret_or_an_unreachable_api_fails_quietly(api_server, store):
    assert not await account(api_server.url, store, secret="wrong").send_text(OPENID, "x")
    assert not await account("http://127.0.0.1:9", store).send_text(OPENID, "x")
    assert await account("http://127.0.0.1:9", store).profile_language(OPENID) is None


async def test_the_profile_language(api_server, store):
    api_server.languages[OPENID] = "zh_TW"
    assert await account(api_server.url, store).profile_language(OPENID) == "zh_TW"
