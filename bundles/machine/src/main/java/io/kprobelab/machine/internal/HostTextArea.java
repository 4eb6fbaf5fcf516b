package io.kprobelab.machine.internal;

/**
 * Kernel virtual addresses the machine maps itself, beside the guest's page tables: host-reserved
 * frames for kprobes' instruction slots and trampolines and for {@link MachineImpl#call}'s
 * sentinel and stack, in a range the booted kernel never maps or uses (KernelEntry's host text
 * area). The page walk falls back to it when the guest's tables have nothing there, so the pages
 * are present in every address space, whatever the kernel does to its page tables, without the
 * guest ever seeing or changing an entry for them (an MMU overlay, as DRAKVUF's and QEMU's
 * introspection keep their pages out of the guest). Supervisor-only; read-only and executable,
 * or writable and not executable.
 */
final class HostTextArea {

    static final long EXEC = 1, WRITE = 2;

    final long start, end;
    /** Per page: frame address | EXEC | WRITE, or 0 when not allocated. */
    private final long[] pages;

    HostTextArea(long start, long end) {
        this.start = start;
        this.end = end;
        this.pages = new long[(int) ((end - start) >>> 12)];
    }

    boolean contains(long va) {
        return Long.compareUnsigned(va - start, end - start) < 0;
    }

    void map(long va, long frame, long rights) {
        pages[(int) ((va - start) >>> 12)] = frame | rights;
    }

    /**
     * The physical address of {@code va}, or {@code -(errorCode + 1)} as a page walk reports a
     * fault (SDM Vol. 3 §4.7): not present, or present with the access not allowed.
     */
    long translate(long va, int acc, boolean user, boolean nxe) {
        int err = (acc == Cpu.ACC_WRITE ? 2 : 0) | (user ? 4 : 0) | (acc == Cpu.ACC_FETCH && nxe ? 16 : 0);
        long e = pages[(int) ((va - start) >>> 12)];
        if (e == 0) {
            return -err - 1;
        }
        boolean denied = user || (acc == Cpu.ACC_WRITE && (e & WRITE) == 0) || (acc == Cpu.ACC_FETCH && (e & EXEC) == 0);
        if (denied) {
            return -(err | 1) - 1;
        }
        return (e & Mmu.ADDR) | (va & 0xfff);
    }
}
