package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.SymbolTable;
import java.nio.ByteBuffer;

/**
 * What a kprobe event's handler knows about the hit it is handling: one reusable instance per vCPU
 * thread, refilled at each hit, so the hot path allocates nothing for it.
 */
final class HitContext implements FetchContext {

    final StringBuilder comm = new StringBuilder(16);
    final StringBuilder out = new StringBuilder(128);
    Machine machine;
    PtRegs regs;
    GuestMemory memory;
    int cpu;
    int pid;
    int flags;
    long ts;
    /** The kretprobe instance's data at a return hit, null otherwise. */
    ByteBuffer entryData;

    @Override
    public PtRegs regs() {
        return regs;
    }

    @Override
    public long threadSize() {
        return machine.kernelProfile().threadSize();
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public SymbolTable symbols() {
        return machine.symbols();
    }

    @Override
    public CharSequence comm() {
        return comm;
    }

    @Override
    public long entryData(int slot) {
        return entryData == null ? 0 : entryData.getLong(slot * 8);
    }
}
