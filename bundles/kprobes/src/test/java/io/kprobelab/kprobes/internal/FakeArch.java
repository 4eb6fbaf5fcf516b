package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.spi.ArchKprobes;
import io.kprobelab.kprobes.spi.BlacklistRange;
import io.kprobelab.kprobes.spi.KprobesCore;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.kprobes.spi.RetprobeSlot;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.util.ArrayList;
import java.util.List;

/** Records the core's calls; "instructions" are one byte long except at addresses in {@code oddBoundaries}. */
final class FakeArch implements ArchKprobes {

    static final long TRAMPOLINE = 0xffffffff81fff000L;

    final List<String> calls = new ArrayList<>();
    final List<Long> notBoundaries = new ArrayList<>();
    KprobesCore core;
    long task = 0x1000;

    @Override public String name() { return "fake"; }

    @Override
    public void prepareKprobe(ProbePoint p) throws KprobeException {
        if (notBoundaries.contains(p.addr())) {
            throw new KprobeException(Errno.EILSEQ, "0x" + Long.toHexString(p.addr()) + " is not an instruction boundary");
        }
        p.setOpcode(0x55);
        calls.add("prepare " + Long.toHexString(p.addr()));
    }

    @Override public void armKprobe(ProbePoint p) { calls.add("arm " + Long.toHexString(p.addr())); }
    @Override public void disarmKprobe(ProbePoint p) { calls.add("disarm " + Long.toHexString(p.addr())); }
    @Override public void removeKprobe(ProbePoint p) { calls.add("remove " + Long.toHexString(p.addr())); }

    @Override
    public void prepareKretprobe(RetprobeSlot ri, PtRegs regs) {
        ri.setRetAddr(regs.get(Reg.RAX)); // the tests pass the "return address" in RAX
        ri.setStackAddr(regs.sp());
        ri.setTask(task);
    }

    @Override public boolean withinBlacklist(long addr) { return addr == TRAMPOLINE; }
    @Override public List<BlacklistRange> populateBlacklist() { return List.of(new BlacklistRange(TRAMPOLINE, TRAMPOLINE + 16, "kretprobe_trampoline")); }
    @Override public long[] stackTrace(PtRegs regs, int max) { return new long[] {regs.ip()}; }
    @Override public void initKprobes(KprobesCore core) { this.core = core; calls.add("init " + core.generation().label()); }
    @Override public void exitKprobes() { calls.add("exit"); }
}
