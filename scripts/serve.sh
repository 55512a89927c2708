#!/usr/bin/env bash
# Runs the built app on http://127.0.0.1:PORT (with --demo, also the demo hub
# it uses) until SIGTERM/SIGINT or until the app ends, then stops everything
# it started: the app first (its own shutdown stops the model runners), then
# the hub; what is still there after a grace period is killed.
#   bash scripts/serve.sh [--demo] [--lan] [--port N]     (npm start runs it after set-up and build)
set -euo pipefail
cd "$(dirname "$0")/.."
# npm start puts node_modules/.bin first; run on its own, the script still finds next and tsx.
PATH="$PATH:$PWD/node_modules/.bin"

port="${WHET_PORT:-3100}"
demo=0
lan=0
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=1 ;;
    --lan) lan=1 ;;
    --port) port="$2"; shift ;;
    --port=*) port="${1#--port=}" ;;
    *) echo "usage: bash scripts/serve.sh [--demo] [--lan] [--port N]" >&2; exit 2 ;;
  esac
  shift
done

# Job control: each background job gets its own process group, so a stop
# reaches the processes a job started too (tsx's child, the app's runners).
set -m
app_pid=""
hub_pid=""
fifo=""
data=""
grace_s=10

alive() { [ -n "$1" ] && kill -0 -- "-$1" 2>/dev/null; }

stop() {
  trap - EXIT INT TERM
  # The app first and alone: its SIGTERM handler stops the runners it owns.
  if alive "$app_pid"; then kill -TERM "$app_pid" 2>/dev/null || true; fi
  if alive "$hub_pid"; then kill -TERM -- "-$hub_pid" 2>/dev/null || true; fi
  for _ in $(seq $((grace_s * 10))); do
    alive "$app_pid" || alive "$hub_pid" || break
    sleep 0.1
  done
  for group in "$app_pid" "$hub_pid"; do
    if alive "$group"; then kill -KILL -- "-$group" 2>/dev/null || true; fi
  done
  [ -n "$fifo" ] && rm -f "$fifo"
  # The hub removes it as it stops; one killed above could not.
  [ -n "$hub_pid" ] && rm -f "$data/demo-hub.json"
}
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT
trap stop EXIT

if [ "$demo" = 1 ]; then
  data="${WHET_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/whetstone}"
  [ "$(uname -s)" = Darwin ] && [ -z "${WHET_HOME:-}" ] && data="$HOME/Library/Application Support/Whetstone"
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  # --whet-home: the CLI finds the demo hub (its port changes at each start) in $data/demo-hub.json.
  tsx scripts/demo-hub.ts --dir "$data/demo-hub" --real-models .whet/models --whet-home "$data" > "$fifo" &
  hub_pid=$!
  read -r line < "$fifo"
  export HF_ENDPOINT
  HF_ENDPOINT=$(node -e 'console.log(JSON.parse(process.argv[1]).url)' "$line")
  # The demo hub's own token (not a secret): it lets the app push into the demo-user namespace.
  export HF_TOKEN
  HF_TOKEN=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$line")
  # Tells the app its Hub is the demo one, so the Hub page says so.
  export WHET_DEMO_HUB=1
  echo "[start] demo hub at $HF_ENDPOINT"
fi

# Only the demo hub started above is the demo hub, whatever the environment said.
[ "$demo" = 1 ] || export WHET_DEMO_HUB=0

if [ "$lan" = 1 ]; then
  # Team mode: the team front (accounts, TLS) in front of Next; WHET_MODE and friends come from start.sh.
  tsx scripts/serve-team.ts &
else
  host="${WHET_HOST:-127.0.0.1}"
  echo "[start] Whetstone is running at http://$host:$port"
  next start -H "$host" -p "$port" &
fi
app_pid=$!
# Returns when the app ends, or at once when a trapped signal arrives.
wait "$app_pid"
