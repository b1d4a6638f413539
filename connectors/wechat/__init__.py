"""The WeChat Official Account channel (issue 7): see README.md in this folder.

`connectors.wechat.WeChatInput` is the class credentials.yml names; it is imported lazily so that
the simulator and the tests of the protocol parts do not load Rasa.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WeChatInput"]


def __getattr__(name: str) -> Any:
    if name == "WeChatInput":
        from connectors.wechat.channel import WeChatInput

        return WeChatInput
    raise AttributeError(name)
