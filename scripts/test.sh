#!/usr/bin/env bash
# Installs what is missing, then runs every test: type check, unit and
# integration (vitest, including the Python interop tests against real mlx,
# mlx-lm and huggingface_hub) and end-to-end (Playwright in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "[test] type check"
npx tsc --noEmit -p .

echo "[test] unit, integration and interop tests"
npx vitest run

echo "[test] building the app"
npx next build >/dev/null

echo "[test] end-to-end tests"
npx playwright test
