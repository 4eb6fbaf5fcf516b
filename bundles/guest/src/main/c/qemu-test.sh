#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Development check: boot the guest kernel under QEMU (TCG) through its PVH
# entry and run programs, printing the serial console.  Skips (exit 0) when
# qemu-system-x86_64 is not installed; never part of the Maven build.
# -icount shift=0,sleep=off makes one instruction one virtual nanosecond and drives the
# APIC timer from it, as the KprobeLab machine does: runs are deterministic.
#   ./qemu-test.sh [VMLINUX] [COMMAND LINE]   e.g. ./qemu-test.sh build/vmlinux syscalltest
# With no command line it runs a set of checks and greps their output.
set -u
KERNEL=${1:-build/vmlinux}
[ $# -gt 0 ] && shift
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "qemu-test: qemu-system-x86_64 not found, skipped"
	exit 0
fi

boot() {
	# q35: ACPI PM1a control at 0x604 powers off.  Serial on stdio.
	timeout 60 qemu-system-x86_64 -machine q35 -m 128M -display none -monitor none \
		-serial stdio -no-reboot -icount shift=0,align=off,sleep=off \
		-kernel "$KERNEL" -append "$*" </dev/null
}

if [ $# -gt 0 ]; then
	boot "$@"
	exit $?
fi

fail=0
expect() { # expect NAME PATTERN OUTPUT
	if printf '%s\n' "$3" | grep -q -- "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}
out=$(boot init); printf '%s\n' "$out"
expect "init banner" "Welcome to KprobeLab" "$out"
expect "init EEXIST from the kernel" 'init: mkdir("/tmp") = -17 File exists' "$out"
expect "init's mkdir succeeds" "init: mkdir exited with status 0" "$out"
expect "init exits 0" "init\[1\] exited with status 0" "$out"
out=$(boot syscalltest); printf '%s\n' "$out"
expect "syscalltest all pass" "syscalltest: [0-9]* passed, 0 failed" "$out"
expect "hlt killed" "fault\[[0-9]*\]: general protection fault at 0x" "$out"
expect "kernel read killed" "fault\[[0-9]*\]: page fault at 0xffffffff81000000" "$out"
expect "signals" "PASS SIGKILL ends a running child" "$out"
out=$(boot sh spin 4000000 \& spin 4000000); printf '%s\n' "$out"
first=$(printf '%s\n' "$out" | grep -n 'spin\[.*\]: 4/4' | head -1 | cut -d: -f1)
other=$(printf '%s\n' "$out" | grep -n 'spin\[.*\]: 1/4' | tail -1 | cut -d: -f1)
if [ -n "$first" ] && [ -n "$other" ] && [ "$other" -lt "$first" ]; then
	echo "ok   preemption: both spins progress before either finishes"
else
	echo "FAIL preemption"; fail=1
fi
out=$(boot sh sleep 20 \; deeprec 100 \; mkdirbench 1000 \; mkdir /a /a); printf '%s\n' "$out"
expect "sleep" "sleep\[[0-9]*\]: slept 20 ms (2[0-9] ms of virtual time)" "$out"
expect "deeprec" "deeprec: depth 100 ok" "$out"
expect "mkdirbench" "mkdirbench: 1000 mkdir/rmdir pairs" "$out"
expect "mkdir /a /a" "mkdir: cannot create directory '/a': File exists" "$out"
a=$(boot sh spin 2000000 \& spin 2000000 \; syscalltest)
b=$(boot sh spin 2000000 \& spin 2000000 \; syscalltest)
if [ "$a" = "$b" ]; then
	echo "ok   determinism: two boots, identical console"
else
	echo "FAIL determinism"; fail=1
fi
exit $fail
