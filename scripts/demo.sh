#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the release binaries, starts the bundled emulator on a free loopback port, lists the
# backups of cluster MlaMfzgZ through it, and stops the emulator again.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset release >/dev/null
cmake --build --preset release --target tidb-backups tidb-backups-emulator

bin=build/release/src
# The emulator prints the port it bound as its first line of stdout.
exec 3< <(exec "$bin/tidb-backups-emulator" --port 0 2>/dev/null)
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
read -r port <&3 || { echo "the emulator did not start" >&2; exit 1; }

# The emulator's demo key pair; a real cluster needs your own keys (see README).
export SIGCALCLOUD_PUBLIC_KEY=demo-public-key
export SIGCALCLOUD_PRIVATE_KEY=demo-private-key
export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$port"

echo "\$ tidb-backups list --region cn-zj --id MlaMfzgZ" >&2
"$bin/tidb-backups" list --region cn-zj --id MlaMfzgZ
