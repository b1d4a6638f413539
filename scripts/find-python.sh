#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter: python3.10 on PATH, else one installed by pyenv.
# Prints nothing (and exits 1) when there is none.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
candidates=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do candidates+=("$p"); done
for c in "${candidates[@]}"; do
  if ok "$c"; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
exit 1
