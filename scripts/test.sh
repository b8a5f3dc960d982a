#!/usr/bin/env bash
# Installs build and test dependencies, builds everything and runs every test: unit tests and,
# as root, the end-to-end tests that load the real BPF programs (with CI=true they must run).
# --sanitize builds into build-asan with AddressSanitizer and UBSan instead.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=()
if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir=build-asan
  cmake_args+=(-DAPISENSOR_SANITIZE=ON)
fi

./scripts/setup.sh --with-test-deps
cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure
