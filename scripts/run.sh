#!/usr/bin/env bash
# Installs the build dependencies, builds apisensor and starts the sensor on this host:
# exchanges as JSON lines on stdout, Prometheus counters on http://127.0.0.1:9464/metrics.
# Extra arguments go to `apisensor run` (see `build/bin/apisensor run --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build
cmake --build build -j "$(nproc)"
exec build/bin/apisensor run "$@"
