#!/usr/bin/env bash
# Installs the command-line compressors the Linux module's tests use as oracles: each compresses a
# synthetic payload exactly as the kernel's build does (scripts/Makefile.lib), and the loader must
# read it back. Debian packages: lz4, zstd, xz-utils, bzip2, gzip. A second run does nothing.
set -euo pipefail
need=()
for p in lz4 zstd xz-utils bzip2 gzip; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if (( ${#need[@]} )); then
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  echo "test-tools.sh: installing ${need[*]}" >&2
  $sudo apt-get install -y -q "${need[@]}" >&2 || {
    $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "${need[@]}" >&2; }
fi
