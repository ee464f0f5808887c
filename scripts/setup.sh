#!/usr/bin/env bash
# Install what building the component needs, only when missing (fresh machines, CI).
set -euo pipefail
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! cargo component --version 2>/dev/null | grep -q ' 0\.21\.1$'; then
  cargo install --locked cargo-component --version 0.21.1
fi
