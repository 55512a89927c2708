#!/usr/bin/env bash
# Installs what is missing, then runs every test: type check, unit and
# integration (vitest, including the Python interop tests against real mlx,
# mlx-lm and huggingface_hub) and end-to-end (Playwright in Chromium).
# Ends with one line "Tests: N passed, N failed" over both runners.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit 1
mkdir -p .tmp

echo "[test] type check"
npx tsc --noEmit -p . || exit 1

echo "[test] unit, integration and interop tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json
unit=$?

echo "[test] building the app"
npx next build >/dev/null || exit 1

echo "[test] end-to-end tests"
PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright.json npx playwright test --reporter=list,json
e2e=$?

node -e '
  const fs = require("node:fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
  const v = read(".tmp/vitest.json"), p = read(".tmp/playwright.json");
  const passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0);
  const failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0) + (p?.stats?.flaky ?? 0);
  const skipped = (v?.numPendingTests ?? 0) + (p?.stats?.skipped ?? 0);
  console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
'
[ "$unit" -eq 0 ] && [ "$e2e" -eq 0 ]
