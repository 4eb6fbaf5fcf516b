package io.kprobelab.linux;

/**
 * A kernel image, initrd or symbol file that cannot be used; the message names the file, what is
 * wrong and where, e.g. {@code bzImage: truncated: payload_offset 0x3b3 + payload_length 0x8d2f11
 * runs past the protected-mode part (0x8c4000 bytes)}.
 */
public final class LinuxImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** {@code file: problem}. */
    public LinuxImageException(String file, String problem) {
        super(file + ": " + problem);
    }

    /** {@code file: problem}, caused by {@code cause} (an I/O or decompression error). */
    public LinuxImageException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
