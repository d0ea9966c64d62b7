#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the whole test suite on a fresh Debian machine: installs what the tests need when it is missing
# (a JDK 17, curl and unzip for the Maven wrapper, Chromium and chromedriver for the UI tests, Prometheus for the
# SPM tests, Python 3 for the benchmark script's own tests)
# then the benchmark script's unit tests and `./mvnw -B verify`. Extra arguments go to Maven, e.g. `scripts/test.sh -pl query -am`.
set -euo pipefail

cd "$(dirname "$0")/.."

packages=()
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || packages+=(curl)
command -v unzip >/dev/null 2>&1 || packages+=(unzip)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
command -v openssl >/dev/null 2>&1 || packages+=(openssl)
command -v python3 >/dev/null 2>&1 || packages+=(python3)

if [ "${#packages[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      sudo=(sudo)
    fi
    # Unique names, in order.
    mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')
    echo "Installing: ${packages[*]}" >&2
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
  else
    echo "WARNING: missing ${packages[*]} and no apt-get; tests that need them will be skipped or fail" >&2
  fi
fi

# scripts/bench.py's table parsing, medians and generated blocks (under a second)
python3 -m unittest discover -s scripts -p 'test_bench.py'

exec ./mvnw -B verify "$@"
