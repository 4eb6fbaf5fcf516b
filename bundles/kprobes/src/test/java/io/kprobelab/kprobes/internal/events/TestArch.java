package io.kprobelab.kprobes.internal.events;

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

/**
 * An arch for the event and whiteboard tests (after the core tests' FakeArch): records arm and
 * disarm calls; addresses in {@link #notBoundaries} are not instruction boundaries; a kretprobe's
 * "return address" is whatever RAX holds at the entry hit.
 */
public final class TestArch implements ArchKprobes {

    public final List<String> calls = new ArrayList<>();
    public final List<Long> notBoundaries = new ArrayList<>();
    public KprobesCore core;
    public long task = 0x1000;

    @Override public String name() { return "test"; }

    @Override
    public void prepareKprobe(ProbePoint p) throws KprobeException {
        if (notBoundaries.contains(p.addr())) {
            throw new KprobeException(Errno.EILSEQ, "0x" + Long.toHexString(p.addr()) + " is not an instruction boundary");
        }
        p.setOpcode(0x55);
    }

    @Override public void armKprobe(ProbePoint p) { calls.add("arm " + Long.toHexString(p.addr())); }
    @Override public void disarmKprobe(ProbePoint p) { calls.add("disarm " + Long.toHexString(p.addr())); }
    @Override public void removeKprobe(ProbePoint p) { calls.add("remove " + Long.toHexString(p.addr())); }

    @Override
    public void prepareKretprobe(RetprobeSlot ri, PtRegs regs) {
        ri.setRetAddr(regs.get(Reg.RAX));
        ri.setStackAddr(regs.sp());
        ri.setTask(task);
    }

    @Override public boolean withinBlacklist(long addr) { return false; }
    @Override public List<BlacklistRange> populateBlacklist() { return List.of(); }
    @Override public void initKprobes(KprobesCore c) { this.core = c; }
    @Override public void exitKprobes() { }
    @Override public long[] stackTrace(PtRegs regs, int max) { return new long[] {regs.ip()}; }
}
