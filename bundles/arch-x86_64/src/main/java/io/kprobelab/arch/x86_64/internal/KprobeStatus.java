package io.kprobelab.arch.x86_64.internal;

/**
 * Where a CPU is in handling a probe ({@code kprobe_status}, values as in the kernel).
 */
enum KprobeStatus {
    /** No probe is being handled on this CPU. */
    NONE,
    /** In the pre-handler ({@code KPROBE_HIT_ACTIVE}). */
    HIT_ACTIVE,
    /** Single-stepping the displaced instruction ({@code KPROBE_HIT_SS}). */
    HIT_SS,
    /** Stepping a probe hit from inside a handler, its handlers skipped ({@code KPROBE_REENTER}). */
    REENTER,
    /** In the post-handler ({@code KPROBE_HIT_SSDONE}). */
    HIT_SSDONE
}
