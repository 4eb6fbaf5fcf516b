package io.kprobelab.machine.internal;

import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.Trap;

/**
 * The text of an oops in bare mode, after the kernel's {@code __die}/{@code show_regs}: what
 * happened, {@code RIP: sym+0xoff}, registers, RFLAGS, CR2 for #PF, and a frame-pointer backtrace.
 */
final class OopsReport {

    /** Frames shown at most. */
    static final int MAX_FRAMES = 16;

    private OopsReport() {
    }

    static String build(VcpuImpl v, String headline, Trap t) {
        Cpu c = v.cpu;
        SymbolTable syms = v.machine.symbols();
        StringBuilder sb = new StringBuilder();
        if (headline != null) {
            sb.append(headline);
            if (t != null) {
                sb.append('\n').append(describe(t));
            }
        } else {
            sb.append(describe(t));
        }
        sb.append('\n');
        sb.append("CPU: ").append(c.id).append(" retired: ").append(c.retired).append('\n');
        sb.append("RIP: ").append(syms.format(c.rip)).append(String.format(" (0x%016x)", c.rip)).append('\n');
        if (t != null && t.vector() == Trap.PF) {
            sb.append(String.format("CR2: %016x%n", c.cr2));
        }
        sb.append(registers(c));
        sb.append("Call Trace:\n");
        GuestMemoryImpl mem = (GuestMemoryImpl) v.memory();
        try {
            // What a leaf function without a frame of its own would return to.
            long top = mem.readU64(c.r[4]);
            if (syms.symbolAt(top).isPresent()) {
                sb.append(" ? ").append(syms.format(top)).append('\n');
            }
        } catch (MemoryFault e) {
            // no readable stack
        }
        long rbp = c.r[5];
        for (int i = 0; i < MAX_FRAMES; i++) {
            if (rbp == 0 || (rbp & 7) != 0 || !mem.mapped(rbp) || !mem.mapped(rbp + 15)) {
                break;
            }
            long next, ret;
            try {
                next = mem.readU64(rbp);
                ret = mem.readU64(rbp + 8);
            } catch (MemoryFault e) {
                break;
            }
            if (ret == 0) {
                break;
            }
            sb.append(" ").append(syms.format(ret)).append('\n');
            if (Long.compareUnsigned(next, rbp) <= 0) {
                break;
            }
            rbp = next;
        }
        return sb.toString();
    }

    static String describe(Trap t) {
        StringBuilder sb = new StringBuilder();
        if (t.vector() < 0) {
            sb.append(t.message());
            return sb.toString();
        }
        sb.append("Oops: ").append(t.name()).append(" (vector ").append(t.vector()).append(')');
        if (t.errorCode() >= 0) {
            sb.append(String.format(" error code 0x%x", t.errorCode()));
        }
        if (t.vector() == Trap.PF) {
            sb.append(String.format(" at address 0x%x: %s", t.address(), MemoryFault.describe(t.errorCode())));
        } else if (!t.message().isEmpty()) {
            sb.append(": ").append(t.message());
        }
        return sb.toString();
    }

    static String registers(Cpu c) {
        String[] names = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
            "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
        int[] order = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 16; k++) {
            int i = order[k];
            sb.append(String.format("%s: %016x", names[i], c.r[i]));
            sb.append(k % 3 == 2 || k == 15 ? "\n" : " ");
        }
        long f = c.rflags();
        sb.append(String.format("RFLAGS: %016x [%s]%n", f, flagNames(f)));
        sb.append(String.format("CR0: %016x CR3: %016x CR4: %016x%n", c.cr0, c.cr3, c.cr4));
        sb.append(xmm(c));
        return sb.toString();
    }

    /** The XMM registers that are not zero, {@code XMMn: high-quadword low-quadword}. */
    static String xmm(Cpu c) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 16; n++) {
            long lo = c.xmm[2 * n], hi = c.xmm[2 * n + 1];
            if ((lo | hi) != 0) {
                sb.append(String.format("XMM%d: %016x %016x%n", n, hi, lo));
            }
        }
        return sb.toString();
    }

    static String flagNames(long f) {
        StringBuilder sb = new StringBuilder();
        String[] n = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF"};
        for (int i = 0; i < n.length; i++) {
            if (!n[i].isEmpty() && (f & (1L << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(n[i]);
            }
        }
        return sb.toString();
    }
}
