package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.kprobes.spi.ProbePoint;

/**
 * Per-CPU probe state ({@code struct kprobe_ctlblk} plus {@code current_kprobe}): the probe being
 * handled, its status, the flags to restore, and one saved level for a probe hit while another
 * is handled ({@code prev_kprobe}). Touched only on its vCPU's thread.
 */
final class KprobeCtlblk {

    ProbePoint current;
    KprobeStatus status = KprobeStatus.NONE;
    /** TF|IF as they were when the probe hit ({@code kprobe_old_rflags}). */
    long oldFlags;
    /** What to OR back after the step: oldFlags, less IF for an IF-modifying instruction. */
    long savedFlags;

    private ProbePoint prevCurrent;
    private KprobeStatus prevStatus = KprobeStatus.NONE;
    private long prevOldFlags;
    private long prevSavedFlags;

    boolean running() {
        return current != null;
    }

    /** {@code save_previous_kprobe}. */
    void savePrevious() {
        prevCurrent = current;
        prevStatus = status;
        prevOldFlags = oldFlags;
        prevSavedFlags = savedFlags;
    }

    /** {@code restore_previous_kprobe}. */
    void restorePrevious() {
        current = prevCurrent;
        status = prevStatus;
        oldFlags = prevOldFlags;
        savedFlags = prevSavedFlags;
        prevCurrent = null;
        prevStatus = KprobeStatus.NONE;
    }

    /** {@code reset_current_kprobe}. */
    void reset() {
        current = null;
        status = KprobeStatus.NONE;
    }
}
