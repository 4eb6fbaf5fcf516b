#!/usr/bin/env bash
# Fetches a distribution kernel nobody on the team built, for the tests that must work on kernels
# we have never seen: Debian 12's cloud kernel (linux-image-6.1.0-N-cloud-amd64-unsigned, the newest
# apt knows), unpacked under $CACHE/distro/PACKAGE/ with its /boot files as the package installs them:
#
#   boot/vmlinuz-RELEASE      the bzImage
#   boot/System.map-RELEASE   Debian's one-line stub (the real map is in the -dbg package)
#   boot/config-RELEASE       its configuration
#
# CACHE is $KPROBELAB_CACHE, else ~/.cache/kprobelab. A package already unpacked is reused. Prints
# the vmlinuz path (last line). Options: --quiet prints only the path.
set -euo pipefail

cache=${KPROBELAB_CACHE:-$HOME/.cache/kprobelab}/distro
quiet=0
for a in "$@"; do
  case $a in
    --quiet) quiet=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-distro-kernel.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
say() { if [[ $quiet == 0 ]]; then echo "fetch-distro-kernel.sh: $*" >&2; fi; }
sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo

newest() {
  apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' 2>/dev/null \
    | awk '{print $1}' | sort -V | tail -1
}
pkg=$(newest)
if [[ -z $pkg ]]; then
  say "apt knows no cloud kernel yet: apt-get update"
  $sudo apt-get update -q >&2
  pkg=$(newest)
fi
if [[ -z $pkg ]]; then
  echo "fetch-distro-kernel.sh: no linux-image-6.1.0-*-cloud-amd64-unsigned in apt's lists (Debian 12 needed)" >&2
  exit 1
fi

# One fetch at a time per cache (several checkouts' tests may run at once).
mkdir -p "$cache"
exec 9>"$cache/.fetch.lock"
flock 9

dir=$cache/$pkg
vmlinuz=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [[ -z $vmlinuz ]]; then
  say "downloading $pkg"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2)
  dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
  mkdir -p "$dir.part"
  cp -a "$tmp/root/boot" "$dir.part/"
  rm -rf "$dir" && mv "$dir.part" "$dir"
  vmlinuz=$(ls "$dir"/boot/vmlinuz-* | head -1)
fi
say "$pkg"
echo "$vmlinuz"
