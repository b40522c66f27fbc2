#!/usr/bin/env bash
# One-shot setup: system packages (FluidSynth, soundfont, fonts, Chromium, g++ and OpenBLAS), npm dependencies,
# and the native matrix-product addon.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
# the native matrix products (A2S_GEMM=openblas; packages/model/README.md "Native matrix products")
node packages/model/native/build.mjs
