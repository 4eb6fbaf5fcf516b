package io.kprobelab.machine;

/**
 * The register state of a vCPU stopped at a trap or between instructions, like the kernel's
 * {@code struct pt_regs}: handlers read it and may change it; the vCPU resumes from it.
 * Only valid on the vCPU's own thread while it is stopped.
 */
public interface PtRegs {

    /** RFLAGS bits used by the kprobes code. */
    long FLAG_CF = 1L, FLAG_PF = 1L << 2, FLAG_AF = 1L << 4, FLAG_ZF = 1L << 6, FLAG_SF = 1L << 7,
            FLAG_TF = 1L << 8, FLAG_IF = 1L << 9, FLAG_DF = 1L << 10, FLAG_OF = 1L << 11;

    /** Reads a register. RFLAGS comes back fully materialised. */
    long get(Reg reg);

    /** Writes a register. Writing RIP redirects execution; writing CR3 switches address space. */
    void set(Reg reg, long value);

    /** RIP. */
    default long ip() { return get(Reg.RIP); }

    /** Sets RIP. */
    default void setIp(long ip) { set(Reg.RIP, ip); }

    /** RSP. */
    default long sp() { return get(Reg.RSP); }

    /** RFLAGS. */
    default long flags() { return get(Reg.RFLAGS); }

    /** RAX, the return value register ({@code regs_return_value}). */
    default long returnValue() { return get(Reg.RAX); }

    /**
     * Argument {@code n} (1-based) under the SysV calling convention: RDI, RSI, RDX, RCX, R8, R9,
     * then the stack ({@code regs_get_kernel_argument}).
     */
    long argument(int n);

    /**
     * Half of XMM register {@code n} (0..15): bits 0..63, or 64..127 when {@code high}. The
     * kernel keeps this state in the FPU area, not in {@code pt_regs}; it is here so handlers and
     * tools can see it. A machine without SSE state answers 0.
     */
    default long xmm(int n, boolean high) {
        return 0;
    }
}
