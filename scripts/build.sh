#!/usr/bin/env bash
# Build the release component and print what CREATE SERVER needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo component build --release --target wasm32-unknown-unknown --quiet
wasm="$PWD/target/wasm32-unknown-unknown/release/clerk_fdw.wasm"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
size=$(stat -c %s "$wasm")
sha=$(sha256sum "$wasm" | cut -d' ' -f1)
cat <<SQL
built:   $wasm
size:    $size bytes ($(( (size + 1023) / 1024 )) KiB)
sha256:  $sha

-- copy the file to the Postgres server, then:
create server clerk_server foreign data wrapper wasm_wrapper options (
  fdw_package_url 'file://$wasm',
  fdw_package_name 'supabase:clerk-fdw',
  fdw_package_version '$version',
  fdw_package_checksum '$sha',
  api_key_id '<vault secret id>'   -- or: api_key 'sk_live_...'
);
import foreign schema clerk from server clerk_server into clerk;
SQL
