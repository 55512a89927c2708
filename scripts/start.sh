#!/usr/bin/env bash
# Installs what is missing, builds the app if its sources changed, and starts it
# on http://127.0.0.1:PORT. With --demo, or when the Hub cannot be reached, it
# also starts the built-in demo hub (healthy and broken models) and uses it.
#   npm start -- [--demo] [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."

port="${WHET_PORT:-3100}"
demo=0
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=1 ;;
    --port) port="$2"; shift ;;
    --port=*) port="${1#--port=}" ;;
    *) echo "usage: npm start -- [--demo] [--port N]" >&2; exit 2 ;;
  esac
  shift
done

bash scripts/setup.sh

# shellcheck disable=SC2046
build_hash=$(node scripts/hash-files.mjs $(git ls-files -co --exclude-standard app server lib public next.config.ts proxy.ts instrumentation.ts postcss.config.mjs package-lock.json | grep -v '\.test\.ts$' | sort))
if [ "$(cat .next/.whet-build-hash 2>/dev/null)" != "$build_hash" ]; then
  echo "[start] building the app (next build)"
  npx next build >/dev/null
  echo "$build_hash" > .next/.whet-build-hash
fi

endpoint="${HF_ENDPOINT:-https://huggingface.co}"
if [ "$demo" = 0 ] && ! curl -sf --max-time 5 -o /dev/null "$endpoint/api/models?limit=1"; then
  echo "[start] $endpoint cannot be reached: using the built-in demo hub"
  demo=1
fi
serve_args=(--port "$port")
[ "$demo" = 1 ] && serve_args+=(--demo)
# The serving part (app, demo hub, their clean stop on SIGTERM/SIGINT) is its own script.
PATH="$PWD/node_modules/.bin:$PATH" exec bash scripts/serve.sh "${serve_args[@]}"
