package io.kprobelab.machine;

/**
 * The result of calling a guest function from the host.
 *
 * @param rax          the value in RAX on return
 * @param instructions instructions retired by the call (virtual time)
 * @param nanos        host nanoseconds the call took
 */
public record CallResult(long rax, long instructions, long nanos) {

    /** The shell's line: {@code rax=0x<hex> insns=<n> ns=<n>}. */
    @Override
    public String toString() {
        return "rax=0x" + Long.toHexString(rax) + " insns=" + instructions + " ns=" + nanos;
    }
}
