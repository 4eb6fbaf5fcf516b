package io.kprobelab.shell.internal;

import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.Map;

/**
 * The text formats of the machine commands, kept apart from the commands so tests can check
 * them line by line.
 */
final class Listings {

    private Listings() {
    }

    /** A {@code /proc/kallsyms} line: {@code ffffffff81000000 T sys_mkdir}. */
    static String kallsyms(Symbol s) {
        return String.format("%016x %c %s", s.address(), s.type(), s.name());
    }

    /**
     * A hex dump in {@code hexdump -C} layout, 16 bytes per line:
     * {@code ffffffff81000000  48 8d 04 37 48 01 d0 c3  90 90 ...  |H..7H...........|}.
     */
    static String hexDump(long address, byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int off = 0; off < bytes.length; off += 16) {
            if (off > 0) {
                sb.append('\n');
            }
            sb.append(String.format("%016x ", address + off));
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    sb.append(' ');
                }
                if (off + i < bytes.length) {
                    int b = bytes[off + i] & 0xff;
                    sb.append(String.format(" %02x", b));
                    ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    sb.append("   ");
                }
            }
            sb.append("  |").append(ascii).append('|');
        }
        return sb.toString();
    }

    /**
     * A vCPU's registers in the layout of the kernel's {@code __show_regs}, with RIP as
     * {@code sym+0xoff/0xsize}.
     */
    static String registers(int cpu, long retired, Map<Reg, Long> r, SymbolTable symbols) {
        long rip = r.get(Reg.RIP);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("CPU: %d insns: %d\n", cpu, retired));
        sb.append(String.format("RIP: %04x:%016x %s\n", r.get(Reg.CS), rip, symbolic(rip, symbols)));
        sb.append(String.format("RSP: %04x:%016x EFLAGS: %08x\n", r.get(Reg.SS), r.get(Reg.RSP), r.get(Reg.RFLAGS)));
        sb.append(row(r, "RAX", Reg.RAX, "RBX", Reg.RBX, "RCX", Reg.RCX));
        sb.append(row(r, "RDX", Reg.RDX, "RSI", Reg.RSI, "RDI", Reg.RDI));
        sb.append(row(r, "RBP", Reg.RBP, "R08", Reg.R8, "R09", Reg.R9));
        sb.append(row(r, "R10", Reg.R10, "R11", Reg.R11, "R12", Reg.R12));
        sb.append(row(r, "R13", Reg.R13, "R14", Reg.R14, "R15", Reg.R15));
        sb.append(String.format("FS:  %016x GS:  %016x\n", r.get(Reg.FS_BASE), r.get(Reg.GS_BASE)));
        sb.append(String.format("CR0: %016x CR2: %016x CR3: %016x CR4: %016x",
                r.get(Reg.CR0), r.get(Reg.CR2), r.get(Reg.CR3), r.get(Reg.CR4)));
        return sb.toString();
    }

    /** The XMM registers that are not zero, one line each: {@code XMMn: high low} (quadwords). */
    static String xmm(long[] halves) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 16; n++) {
            long lo = halves[2 * n], hi = halves[2 * n + 1];
            if ((lo | hi) != 0) {
                sb.append(String.format("\nXMM%d: %016x %016x", n, hi, lo));
            }
        }
        return sb.toString();
    }

    private static String row(Map<Reg, Long> r, String n1, Reg r1, String n2, Reg r2, String n3, Reg r3) {
        return String.format("%s: %016x %s: %016x %s: %016x\n", n1, r.get(r1), n2, r.get(r2), n3, r.get(r3));
    }

    /** {@code %pS}: {@code sym+0xoff/0xsize}, or the bare address when no symbol covers it. */
    static String symbolic(long address, SymbolTable symbols) {
        return symbols.symbolAt(address)
                .map(s -> s.name() + "+0x" + Long.toHexString(address - s.address())
                        + (s.size() > 0 ? "/0x" + Long.toHexString(s.size()) : ""))
                .orElse("0x" + Long.toHexString(address));
    }
}
