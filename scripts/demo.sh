#!/usr/bin/env bash
# Build the component and query the bundled mock Clerk server through it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cargo run --quiet -p clerk-fdw-testhost --bin demo -- "$@"
