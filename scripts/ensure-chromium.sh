#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it from Debian's packages when it is missing,
# with CJK and Hangul fonts so that the tests' screenshots show Chinese, Japanese and Korean text.
set -eu
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian's ${need[*]} for the browser tests…"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
command -v chromium
