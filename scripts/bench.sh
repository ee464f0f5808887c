#!/usr/bin/env bash
# Build the release component, then benchmark it in the native test host against the mock
# Clerk API. Usage: bash scripts/bench.sh [N_USERS]   (default 100000). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
# The dev profile already builds the test host and its dependencies at opt-level 2
# (see Cargo.toml), which avoids a second full wasmtime build for a release profile.
cargo run --quiet -p clerk-fdw-testhost --bin bench -- "$@"
