package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.Reg;

/**
 * The x86-64 register names {@code %REG} accepts: exactly the {@code regoffset_table} of
 * {@code arch/x86/kernel/ptrace.c} (so {@code %eax}, {@code %rax} or {@code %fs} are rejected).
 */
enum PtRegsField {
    r15(Reg.R15), r14(Reg.R14), r13(Reg.R13), r12(Reg.R12), r11(Reg.R11), r10(Reg.R10), r9(Reg.R9),
    r8(Reg.R8), bx(Reg.RBX), cx(Reg.RCX), dx(Reg.RDX), si(Reg.RSI), di(Reg.RDI), bp(Reg.RBP),
    ax(Reg.RAX), orig_ax(null), ip(Reg.RIP), cs(Reg.CS), flags(Reg.RFLAGS), sp(Reg.RSP), ss(Reg.SS);

    /** The machine register, null for {@code orig_ax} (not a CPU register). */
    final Reg reg;

    PtRegsField(Reg reg) {
        this.reg = reg;
    }

    /** {@code regs_query_register_offset}: exact, case-sensitive match. */
    static PtRegsField byName(String name) {
        for (PtRegsField f : values()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    long read(FetchContext ctx) {
        return reg == null ? ctx.origAx() : ctx.regs().get(reg);
    }
}
