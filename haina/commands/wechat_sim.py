"""`haina wechat-sim`: chat with the WeChat channel from a terminal, as WeChat's servers would.

Start it with the same HAINA_WECHAT_* variables as `make run` (and HAINA_WECHAT_API_BASE pointing
at the simulator's API port, e.g. http://127.0.0.1:8790): each line you type is signed, encrypted
in safe or compatible mode, and posted to the webhook; the passive reply is decrypted and printed,
and customer-service messages that arrive later are printed as they come.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from urllib.parse import urlsplit

DEFAULT_WEBHOOK = "http://localhost:5005/webhooks/wechat/webhook"
DEFAULT_API_PORT = 8790
COMMANDS = """Type a message, or:
  /location LAT LON [LABEL]   share a location, e.g. /location 31.23 121.47 People's Square
  /voice TEXT                 a voice message that WeChat recognised as TEXT (/voice alone: not recognised)
  /image  /video  /file  /link   a message of that type
  /subscribe  /unsubscribe    follow or unfollow the account
  /menu KEY                   tap a menu button (keys in connectors/wechat/menu.yml)
  /retry                      push the last message again with the same MsgId, as WeChat does
  /verify                     the GET check WeChat makes when the server address is saved
  /wait SECONDS               wait for customer-service messages (useful when reading from a file)
  /help  /quit"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "wechat-sim", help="chat with the WeChat channel in the terminal, as the WeChat server would",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=COMMANDS,
    )
    parser.add_argument("--webhook", default=DEFAULT_WEBHOOK, help=f"the channel's webhook (default {DEFAULT_WEBHOOK})")
    parser.add_argument("--api-port", type=int, default=None,
                        help="port of the simulated API (default: the port of HAINA_WECHAT_API_BASE, else "
                        f"{DEFAULT_API_PORT})")
    parser.add_argument("--mode", choices=["plaintext", "compatible", "safe"],
                        help="how messages are sent (default: safe with HAINA_WECHAT_AES_KEY, else plaintext)")
    parser.add_argument("--user", help="the user's OpenID (default: a new random one)")
    parser.add_argument("--profile-language", default="en",
                        help="the `language` of the user's WeChat profile, as the user-info API returns it "
                        "(zh_CN, zh_TW, en, ja, …; default en)")
    parser.set_defaults(func=run)


def api_port(args: argparse.Namespace, env: dict[str, str]) -> int:
    if args.api_port:
        return args.api_port
    base = urlsplit(env.get("HAINA_WECHAT_API_BASE", ""))
    if base.hostname in ("127.0.0.1", "localhost") and base.port:
        return base.port
    return DEFAULT_API_PORT


def run(args: argparse.Namespace) -> int:
    import asyncio

    from connectors.wechat.settings import SettingsError, WeChatSettings

    try:
        settings = WeChatSettings.from_env(os.environ)
    except SettingsError as error:
        print(f"haina wechat-sim: {error} (the same values as the Rasa server's)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_session(args, settings, api_port(args, dict(os.environ))))
    except KeyboardInterrupt:
        return 0


async def _session(args: argparse.Namespace, settings, port: int) -> int:
    import asyncio

    import aiohttp

    from connectors.wechat.simulator import ApiServer, WeChatSide

    openid = args.user or "o" + secrets.token_urlsafe(21)[:27]
    api = ApiServer(settings, profile_language=args.profile_language,
                    on_message=lambda m: _say("Haina (customer service)", m.text) if m.openid == openid else None)
    try:
        await api.start(port)
    except OSError as error:
        print(f"haina wechat-sim: cannot serve the API on port {port}: {error.strerror}", file=sys.stderr)
        return 2
    side = WeChatSide(settings, args.webhook, mode=args.mode)
    expected = f"http://127.0.0.1:{port}"
    if os.environ.get("HAINA_WECHAT_API_BASE", "").rstrip("/") not in (expected, f"http://localhost:{port}"):
        print(f"Note: start the Rasa server with HAINA_WECHAT_API_BASE={expected} so that answers sent through "
              "the customer-service API (slow answers, welcome, long texts) reach this simulator.")
    print(f"WeChat simulator · {side.mode} mode · user {openid} · webhook {args.webhook} · API {expected}")
    print("Type /help for the commands, /quit to leave.")
    last: dict | None = None
    async with aiohttp.ClientSession() as session:
        try:
            while True:
                line = await asyncio.to_thread(_read_line)
                if line is None or line.strip() in ("/quit", "/exit"):
                    return 0
                line = line.strip()
                if not line:
                    continue
                if line == "/help":
                    print(COMMANDS)
                    continue
                if line.startswith("/wait"):
                    try:
                        await asyncio.sleep(min(60.0, float(line.split()[1])))
                    except (IndexError, ValueError):
                        print("usage: /wait SECONDS")
                    continue
                if line == "/verify":
                    ok = await side.verify_url(session)
                    print("verification " + ("passed: echostr returned" if ok else "FAILED"))
                    continue
                if line == "/retry":
                    if last is None:
                        print("nothing to retry yet")
                        continue
                    fields = last
                else:
                    fields = _message(side, openid, line)
                    if fields is None:
                        continue
                last = fields
                try:
                    delivery = await side.deliver(session, fields)
                except aiohttp.ClientError as error:
                    print(f"(the webhook did not answer: {type(error).__name__}; is `make run` up with the "
                          "same HAINA_WECHAT_* variables?)")
                    continue
                except ValueError as error:
                    print(f"(the reply does not check out: {error})")
                    continue
                if delivery.status != 200:
                    print(f"(HTTP {delivery.status}: {delivery.raw.strip()[:80]})")
                elif delivery.passive is not None:
                    # A retry of an answered message gets the same stored answer back, never a new one.
                    _say("Haina (the stored answer, again)" if line == "/retry" else "Haina", delivery.passive)
                elif delivery.attempts > 1:
                    print(f"(answered \"success\" after {delivery.attempts} attempts)")
        finally:
            await api.stop()


def _message(side, openid: str, line: str) -> dict | None:
    if not line.startswith("/"):
        return side.text(openid, line)
    command, _, rest = line.partition(" ")
    if command == "/location":
        try:
            parts = rest.split()
            lat, lon = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            print("usage: /location LAT LON [LABEL]")
            return None
        return side.location(openid, lat, lon, " ".join(parts[2:]))
    if command == "/voice":
        return side.voice(openid, rest.strip() or None)
    if command == "/image":
        return side.image(openid)
    if command in ("/video", "/file", "/link"):
        return side.of_type(openid, command[1:])
    if command in ("/subscribe", "/unsubscribe"):
        return side.event(openid, command[1:])
    if command == "/menu" and rest.strip():
        return side.event(openid, "CLICK", rest.strip())
    print(f"unknown command {command}; /help lists them")
    return None


def _read_line() -> str | None:
    try:
        return input("you › ")
    except EOFError:
        return None


def _say(who: str, text: str) -> None:
    print(f"\n{who} ›\n{text}\n", flush=True)
