/**
 * The x86-64 half of kprobes ({@code arch/x86_64/kernel/kprobes.c} of 2005, with the later
 * checks): preparing and arming probes, single-stepping the displaced instruction out of line
 * with TF and fixing up after it, and the kretprobe trampoline in both 2005 designs.
 */
package io.kprobelab.arch.x86_64.internal;
