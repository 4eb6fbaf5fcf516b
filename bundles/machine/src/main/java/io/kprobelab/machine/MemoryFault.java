package io.kprobelab.machine;

/**
 * A guest-virtual access that the MMU refused: what a #PF would report.
 */
public final class MemoryFault extends Exception {

    private static final long serialVersionUID = 1L;

    /** Page-fault error code bits (SDM Vol. 3 §4.7). */
    public static final int PF_PRESENT = 1, PF_WRITE = 2, PF_USER = 4, PF_RSVD = 8, PF_FETCH = 16;

    private final long address;
    private final int errorCode;

    /** A fault at {@code address} with a #PF error code. */
    public MemoryFault(long address, int errorCode) {
        super(String.format("page fault at 0x%x (error code 0x%x: %s)", address, errorCode, describe(errorCode)));
        this.address = address;
        this.errorCode = errorCode;
    }

    /** The faulting guest-virtual address (what CR2 would hold). */
    public long address() { return address; }

    /** The #PF error code. */
    public int errorCode() { return errorCode; }

    /** Human-readable error-code bits, e.g. {@code not-present read, supervisor}. */
    public static String describe(int code) {
        return ((code & PF_PRESENT) != 0 ? "protection" : "not-present")
                + ((code & PF_FETCH) != 0 ? " fetch" : (code & PF_WRITE) != 0 ? " write" : " read")
                + ((code & PF_USER) != 0 ? ", user" : ", supervisor")
                + ((code & PF_RSVD) != 0 ? ", reserved bit" : "");
    }
}
