package io.kprobelab.machine;

/**
 * An ELF file that cannot be loaded; the message names the file and the problem, e.g.
 * {@code foo.elf: not an ELF file (bad magic 7f 45 4c 00)}.
 */
public final class ElfException extends Exception {

    private static final long serialVersionUID = 1L;

    /** {@code file: problem}. */
    public ElfException(String file, String problem) {
        super(file + ": " + problem);
    }
}
