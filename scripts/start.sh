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
build_hash=$(node scripts/hash-files.mjs $(git ls-files -co --exclude-standard app server lib public next.config.ts proxy.ts postcss.config.mjs package-lock.json | grep -v '\.test\.ts$' | sort))
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
if [ "$demo" = 1 ]; then
  data="${WHET_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/whetstone}"
  [ "$(uname -s)" = Darwin ] && [ -z "${WHET_HOME:-}" ] && data="$HOME/Library/Application Support/Whetstone"
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  npx tsx scripts/demo-hub.ts --dir "$data/demo-hub" --real-models .whet/models > "$fifo" &
  hub_pid=$!
  trap 'kill $hub_pid 2>/dev/null || true; rm -f "$fifo"' EXIT INT TERM
  read -r line < "$fifo"
  export HF_ENDPOINT
  HF_ENDPOINT=$(node -e 'console.log(JSON.parse(process.argv[1]).url)' "$line")
  # The demo hub's own token (not a secret): it lets the app push into the demo-user namespace.
  export HF_TOKEN
  HF_TOKEN=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$line")
  echo "[start] demo hub at $HF_ENDPOINT"
fi

echo "[start] Whetstone is running at http://127.0.0.1:$port"
npx next start -H 127.0.0.1 -p "$port"
