#!/usr/bin/env bash
# Builds KprobeLab's Linux guest from Debian's packages and caches it outside the repository
# (GPL binaries are never committed):
#
#   $CACHE/linux-6.1/vmlinux             the kernel ELF (symbols, BTF)
#   $CACHE/linux-6.1/bzImage             the same kernel as a compressed boot image
#   $CACHE/linux-6.1/System.map          its symbols
#   $CACHE/linux-6.1/config              its .config
#   $CACHE/linux-6.1/initramfs.cpio.gz   busybox-static with /init (scripts/linux/init)
#
# CACHE is $KPROBELAB_CACHE, else ~/.cache/kprobelab. The result is keyed by the versions of
# linux-source-6.1 and busybox-static, gcc, the recipe version below and the configuration
# fragment and /init: a second run with the
# same key prints the paths and returns in a second. Options: --force rebuilds; --quiet prints
# only the paths.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${KPROBELAB_CACHE:-$HOME/.cache/kprobelab}
out=$cache/linux-6.1
work=$cache/build-6.1
force=0 quiet=0
for a in "$@"; do
  case $a in
    --force) force=1 ;;
    --quiet) quiet=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
say() { if [[ $quiet == 0 ]]; then echo "build.sh: $*" >&2; fi; }

# ---- dependencies (Debian packages; CI machines have apt and run as root or with sudo)
need=()
for p in linux-source-6.1 busybox-static dwarves libelf-dev bison flex bc cpio xz-utils gzip make gcc; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if (( ${#need[@]} )); then
  say "installing ${need[*]}"
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get install -y -q "${need[@]}" >&2 || {
    $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "${need[@]}" >&2; }
fi

# One build at a time per cache (tests in several Maven modules, or several checkouts, may start
# this script at once): the others wait here, then find the cache filled.
mkdir -p "$cache"
exec 9>"$cache/.build-6.1.lock"
flock 9

ksrc_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
bb_version=$(dpkg-query -W -f='${Version}' busybox-static)
# Bump when this script starts producing different output from the same inputs.
recipe=2
key=$( { echo "recipe $recipe $ksrc_version $bb_version $(gcc -dumpfullversion)";
         cat "$here/kprobelab.config" "$here/init"; } | sha256sum | cut -c1-16)

if [[ $force == 0 && -f $out/key && $(cat "$out/key") == "$key" ]]; then
  say "cached (linux-source-6.1 $ksrc_version, busybox $bb_version)"
  echo "$out/vmlinux"
  echo "$out/initramfs.cpio.gz"
  exit 0
fi

start=$(date +%s)
# Build into $work and replace $out only at the end, so a failed or running build never leaves
# a half-written cache behind (or takes away the previous one while others use it).
rm -rf "$work"
mkdir -p "$work/out"
say "extracting linux-source-6.1 $ksrc_version"
tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$work"
src=$work/linux-source-6.1
obj=$work/obj
mkdir -p "$obj"

# ---- kernel: tinyconfig + our fragment; every fragment line must survive olddefconfig
kmake() { make -C "$src" O="$obj" ARCH=x86_64 KBUILD_BUILD_TIMESTAMP='2026-01-01' \
               KBUILD_BUILD_USER=kprobelab KBUILD_BUILD_HOST=kprobelab "$@"; }
say "configuring"
kmake tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$here/kprobelab.config" >/dev/null
kmake olddefconfig >/dev/null
missing=0
while IFS= read -r line; do
  if [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]*)\ is\ not\ set$ ]]; then
    # off, or absent because what it depends on is off
    if grep -q "^${BASH_REMATCH[1]}=" "$obj/.config"; then
      echo "build.sh: configuration line not in the result: $line" >&2
      missing=1
    fi
    continue
  fi
  [[ $line =~ ^CONFIG_ ]] || continue
  if ! grep -qxF "$line" "$obj/.config"; then
    echo "build.sh: configuration line not in the result: $line" >&2
    missing=1
  fi
done < "$here/kprobelab.config"
(( missing == 0 )) || { echo "build.sh: fix scripts/linux/kprobelab.config" >&2; exit 1; }

say "building the kernel (make -j$(nproc); about 10 minutes on 2 cores)"
kmake -j"$(nproc)" vmlinux bzImage > "$work/kernel-build.log" 2>&1 || {
  tail -40 "$work/kernel-build.log" >&2; echo "build.sh: kernel build failed" >&2; exit 1; }

# ---- initramfs: busybox-static and /init, made by the kernel's own gen_init_cpio (no root
# needed for /dev/console; every mtime 0, so the archive is the same on every build)
say "building the initramfs"
gcc -O2 -o "$work/gen_init_cpio" "$src/usr/gen_init_cpio.c"
list=$work/initramfs.list
{
  for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /etc /mnt; do
    echo "dir $d 0755 0 0"
  done
  echo "nod /dev/console 0600 0 0 c 5 1"
  echo "file /bin/busybox /bin/busybox 0755 0 0"
  echo "file /init $here/init 0755 0 0"
  /bin/busybox --list-full | sort | while read -r applet; do
    [[ /$applet == /bin/busybox ]] || echo "slink /$applet /bin/busybox 0777 0 0"
  done
} > "$list"
new=$work/out
"$work/gen_init_cpio" -t 0 "$list" | gzip -n -9 > "$new/initramfs.cpio.gz"

cp "$obj/vmlinux" "$obj/System.map" "$new/"
cp "$obj/arch/x86/boot/bzImage" "$new/bzImage"
cp "$obj/.config" "$new/config"
echo "linux-source-6.1 $ksrc_version, busybox-static $bb_version, gcc $(gcc -dumpfullversion)" > "$new/versions"
echo "$key" > "$new/key"
rm -rf "$out.old"
if [[ -d $out ]]; then mv "$out" "$out.old"; fi
mv "$new" "$out"
rm -rf "$out.old" "$work"
say "done in $(( $(date +%s) - start )) s"
echo "$out/vmlinux"
echo "$out/initramfs.cpio.gz"
