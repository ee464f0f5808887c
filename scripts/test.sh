#!/usr/bin/env bash
# Everything CI checks: formatting, lints, the component build, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p clerk_fdw --release --target wasm32-unknown-unknown -- -D warnings
bash scripts/build.sh
cargo test --workspace
