package io.kprobelab.probes.kprobeexample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KprobeExampleTest {

    @Test
    void handlers_printTheSamplesLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KprobeExample h = new KprobeExample(new PrintStream(out, true, StandardCharsets.UTF_8));
        Kprobe p = probe("do_mkdirat", 0xffffffff81001230L);
        h.handle(p, regs(0xffffffff81001231L, 0x46));
        h.handle(p, regs(0xffffffff81001234L, 0x246), 0);
        assertEquals("<do_mkdirat> p->addr = 0xffffffff81001230, ip = ffffffff81001231, flags = 0x46\n"
                + "<do_mkdirat> p->addr = 0xffffffff81001230, flags = 0x246\n", out.toString(StandardCharsets.UTF_8));
    }

    static PtRegs regs(long ip, long flags) {
        return new PtRegs() {
            @Override public long get(Reg reg) { return reg == Reg.RIP ? ip : reg == Reg.RFLAGS ? flags : 0; }
            @Override public void set(Reg reg, long value) { }
            @Override public long argument(int n) { return 0; }
        };
    }

    static Kprobe probe(String sym, long addr) {
        return new Kprobe() {
            @Override public long addr() { return addr; }
            @Override public String symbolName() { return sym; }
            @Override public long offset() { return 0; }
            @Override public KprobeSpec spec() { return KprobeSpec.at(sym); }
            @Override public long nmissed() { return 0; }
            @Override public long hits() { return 0; }
            @Override public long trapCount(int vector) { return 0; }
            @Override public boolean isDisabled() { return false; }
            @Override public boolean isGone() { return false; }
            @Override public boolean isRegistered() { return true; }
            @Override public String failure() { return null; }
        };
    }
}
