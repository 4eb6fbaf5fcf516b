package io.kprobelab.traps;

/**
 * What a {@link DieNotifier} answers, named after the kernel's {@code NOTIFY_*} values.
 */
public enum NotifyResult {
    /** {@code NOTIFY_DONE}: not mine; offer the trap to the next notifier. */
    DONE,
    /** {@code NOTIFY_STOP}: consumed; the vCPU resumes from the (possibly changed) registers. */
    STOP
}
