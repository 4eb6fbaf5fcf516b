package io.kprobelab.machine;

/**
 * Registers of a vCPU as {@link PtRegs} exposes them. The first sixteen are the general-purpose
 * registers in encoding order, so {@code Reg.values()[n]} is register number {@code n} of a
 * ModRM/REX encoding.
 */
public enum Reg {
    /** Return value (SysV); accumulator. */
    RAX,
    /** Argument 4 (SysV). */
    RCX,
    /** Argument 3 (SysV); high half of mul/div. */
    RDX,
    /** Callee-saved (SysV). */
    RBX,
    /** Stack pointer. */
    RSP,
    /** Frame pointer; callee-saved (SysV). */
    RBP,
    /** Argument 2 (SysV). */
    RSI,
    /** Argument 1 (SysV). */
    RDI,
    /** Argument 5 (SysV). */
    R8,
    /** Argument 6 (SysV). */
    R9,
    /** Caller-saved scratch. */
    R10,
    /** Caller-saved scratch. */
    R11,
    /** Callee-saved (SysV). */
    R12,
    /** Callee-saved (SysV). */
    R13,
    /** Callee-saved (SysV). */
    R14,
    /** Callee-saved (SysV). */
    R15,
    /** Instruction pointer. */
    RIP,
    /** Flags. */
    RFLAGS,
    /** Code segment selector. */
    CS,
    /** Stack segment selector. */
    SS,
    /** FS base (MSR C000_0100). */
    FS_BASE,
    /** GS base (MSR C000_0101). */
    GS_BASE,
    /** Control register 0. */
    CR0,
    /** Page-fault linear address. */
    CR2,
    /** Page-table root. */
    CR3,
    /** Control register 4. */
    CR4;

    /** The general-purpose register with encoding number {@code n} (0..15). */
    public static Reg gpr(int n) {
        return GPRS[n];
    }

    private static final Reg[] GPRS = java.util.Arrays.copyOf(values(), 16);
}
