package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.spi.RetprobeSlot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A preallocated {@code struct kretprobe_instance}: on its kretprobe's free list, or in flight in
 * the instance table.
 */
final class RetprobeSlotImpl implements RetprobeSlot {

    /** The kretprobe that allocated this instance, for accounting even once orphaned. */
    final KretprobeImpl owner;
    /** Null once the kretprobe was unregistered while this instance was in flight. */
    volatile KretprobeImpl rp;
    long retAddr;
    long stackAddr;
    long task;
    final ByteBuffer data;
    /** Next (older) instance in the same table bucket. */
    RetprobeSlotImpl next;
    boolean inTable;

    RetprobeSlotImpl(KretprobeImpl rp, int dataSize) {
        this.owner = rp;
        this.rp = rp;
        this.data = ByteBuffer.allocate(dataSize).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override public Kretprobe rp() { return rp; }
    @Override public long retAddr() { return retAddr; }
    @Override public long stackAddr() { return stackAddr; }
    @Override public long task() { return task; }
    @Override public ByteBuffer data() { return data; }
    @Override public void setRetAddr(long retAddr) { this.retAddr = retAddr; }
    @Override public void setStackAddr(long stackAddr) { this.stackAddr = stackAddr; }
    @Override public void setTask(long task) { this.task = task; }

    @Override
    public String toString() {
        return String.format("instance of %s ret=0x%x stack=0x%x task=0x%x", rp, retAddr, stackAddr, task);
    }
}
