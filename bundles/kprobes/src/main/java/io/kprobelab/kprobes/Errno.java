package io.kprobelab.kprobes;

/**
 * The Linux errno values the kprobes API reports.
 */
public enum Errno {
    /** No such symbol. */
    ENOENT(2),
    /** Argument list too long (data_size too big). */
    E2BIG(7),
    /** Out of memory (instruction slots, instances). */
    ENOMEM(12),
    /** Device or resource busy. */
    EBUSY(16),
    /** Already registered. */
    EEXIST(17),
    /** Invalid argument. */
    EINVAL(22),
    /** No space left (slot too small). */
    ENOSPC(28),
    /** Not an instruction boundary. */
    EILSEQ(84),
    /** Operation not supported on this instruction. */
    EOPNOTSUPP(95);

    private final int value;

    Errno(int value) {
        this.value = value;
    }

    /** The positive errno number. */
    public int value() {
        return value;
    }
}
