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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Records the core's calls; "instructions" are one byte long except at addresses in {@code oddBoundaries}. */
final class FakeArch implements ArchKprobes {

    static final long TRAMPOLINE = 0xffffffff81fff000L;

    /** The calls in order; the core makes some from a thread of its own (see {@link #awaitCall}). */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<Long> notBoundaries = new ArrayList<>();
    KprobesCore core;
    long task = 0x1000;

    @Override public String name() { return "fake"; }

    private void record(String call) {
        synchronized (calls) {
            calls.add(call);
            calls.notifyAll();
        }
    }

    /** Waits up to {@code seconds} for {@code call} to be recorded; whether it was. */
    boolean awaitCall(String call, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (calls) {
            while (!calls.contains(call)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
            return true;
        }
    }

    @Override
    public void prepareKprobe(ProbePoint p) throws KprobeException {
        if (notBoundaries.contains(p.addr())) {
            throw new KprobeException(Errno.EILSEQ, "0x" + Long.toHexString(p.addr()) + " is not an instruction boundary");
        }
        p.setOpcode(0x55);
        record("prepare " + Long.toHexString(p.addr()));
    }

    @Override public void armKprobe(ProbePoint p) { record("arm " + Long.toHexString(p.addr())); }
    @Override public void disarmKprobe(ProbePoint p) { record("disarm " + Long.toHexString(p.addr())); }
    @Override public void removeKprobe(ProbePoint p) { record("remove " + Long.toHexString(p.addr())); }

    @Override
    public void prepareKretprobe(RetprobeSlot ri, PtRegs regs) {
        ri.setRetAddr(regs.get(Reg.RAX)); // the tests pass the "return address" in RAX
        ri.setStackAddr(regs.sp());
        ri.setTask(task);
    }

    @Override public boolean withinBlacklist(long addr) { return addr == TRAMPOLINE; }
    @Override public List<BlacklistRange> populateBlacklist() { return List.of(new BlacklistRange(TRAMPOLINE, TRAMPOLINE + 16, "kretprobe_trampoline")); }
    @Override public long[] stackTrace(PtRegs regs, int max) { return new long[] {regs.ip()}; }
    @Override public void initKprobes(KprobesCore core) { this.core = core; record("init " + core.generation().label()); }
    @Override public void exitKprobes() { record("exit"); }
}
