#!/usr/bin/env bash
# Installs the build dependencies, builds apisensor and starts the sensor on this host: the
# endpoint inventory (stored in /var/lib/apisensor/inventory.db) and counters on
# http://127.0.0.1:9464 (`build/bin/apisensor endpoints` lists what it found), exchanges as JSON
# lines on stdout. Extra arguments go to `apisensor run` (see `build/bin/apisensor run --help`),
# for example `--spec orders=api/openapi.yaml`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build
cmake --build build -j "$(nproc)"
mkdir -p /var/lib/apisensor
exec build/bin/apisensor run --print-exchanges "$@"
