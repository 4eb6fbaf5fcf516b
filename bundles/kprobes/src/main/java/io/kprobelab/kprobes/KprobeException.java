package io.kprobelab.kprobes;

/**
 * A refused kprobes operation, with the errno the kernel would return and a sentence, e.g.
 * {@code EILSEQ: sys_mkdir+0x3 is not an instruction boundary}.
 */
public final class KprobeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /** {@code errno: sentence}. */
    public KprobeException(Errno errno, String sentence) {
        super(errno.name() + ": " + sentence);
        this.errno = errno;
    }

    /** The errno. */
    public Errno errno() {
        return errno;
    }
}
