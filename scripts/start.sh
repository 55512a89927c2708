#!/usr/bin/env bash
# Installs what is missing, builds the app if its sources changed, and starts it
# on http://127.0.0.1:PORT. With --demo, or when the Hub cannot be reached, it
# also starts the built-in demo hub (healthy and broken models) and uses it.
# With --lan it starts in team mode: on the LAN, every request needs an account.
#   npm start -- [--demo] [--port N]
#   npm start -- --lan [--host ADDR] [--port N] [--name whetstone.local] [--tls [--cert F --key F]]
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: npm start -- [--demo] [--port N] [--lan [--host ADDR] [--name NAME] [--tls [--cert FILE --key FILE]]]"
port="${WHET_PORT:-3100}"
demo=0
lan=0
host=""
name=""
tls=0
cert=""
key=""
value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "$1 needs a value. $usage" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=1 ;;
    --port) value "$@"; port="$2"; shift ;;
    --port=*) port="${1#--port=}" ;;
    --lan) lan=1 ;;
    --host) value "$@"; host="$2"; shift ;;
    --host=*) host="${1#--host=}" ;;
    --name) value "$@"; name="$2"; shift ;;
    --name=*) name="${1#--name=}" ;;
    --tls) tls=1 ;;
    --cert) value "$@"; cert="$2"; shift ;;
    --cert=*) cert="${1#--cert=}" ;;
    --key) value "$@"; key="$2"; shift ;;
    --key=*) key="${1#--key=}" ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done

if [ "$lan" = 0 ]; then
  case "${host:-127.0.0.1}" in
    127.*|localhost|::1) ;;
    *)
      echo "npm start: --host $host is not a loopback address, and without --lan Whetstone has no sign-in: anyone who could reach it would control this machine's models." >&2
      echo "  Add --lan for team mode (accounts, roles, tokens, an audit log), or leave out --host." >&2
      exit 2 ;;
  esac
  if [ -n "$name$cert$key" ] || [ "$tls" = 1 ]; then
    echo "npm start: --name, --tls, --cert and --key are for team mode. Add --lan." >&2
    exit 2
  fi
fi
if [ -n "$cert$key" ] && { [ -z "$cert" ] || [ -z "$key" ]; }; then
  echo "npm start: --cert and --key go together. Give both, or neither for a self-signed certificate." >&2
  exit 2
fi

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
if [ "$lan" = 1 ]; then
  export WHET_MODE=team WHET_PORT="$port" WHET_HOST="${host:-0.0.0.0}"
  [ -n "$name" ] && export WHET_LAN_NAME="$name"
  if [ -n "$cert" ]; then
    export WHET_TLS_CERT="$cert" WHET_TLS_KEY="$key"
  elif [ "$tls" = 1 ]; then
    export WHET_TLS=1
  fi
  serve_args+=(--lan)
else
  export WHET_HOST="${host:-127.0.0.1}"
fi
# The serving part (app, demo hub, their clean stop on SIGTERM/SIGINT) is its own script.
PATH="$PWD/node_modules/.bin:$PATH" exec bash scripts/serve.sh "${serve_args[@]}"
