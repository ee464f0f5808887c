#!/usr/bin/env bash
# Install what building the component needs, only when missing (fresh machines, CI).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! cargo component --version 2>/dev/null | grep -q ' 0\.21\.1$'; then
  cargo install --locked cargo-component --version 0.21.1
fi
# binaryen's wasm-opt (scripts/build.sh), pinned, from the npm registry into target/tools.
if [ "$(target/tools/node_modules/.bin/wasm-opt --version 2>/dev/null)" != "wasm-opt version 132 (version_132)" ]; then
  command -v npm >/dev/null || { echo "npm (Node.js) is required to install binaryen's wasm-opt" >&2; exit 1; }
  mkdir -p target/tools
  npm install --prefix target/tools --no-audit --no-fund --silent binaryen@132.0.0
fi
