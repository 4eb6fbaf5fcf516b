package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registered kretprobe with its preallocated instances ({@code struct kretprobe}: the free
 * list and the count of those in flight).
 */
final class KretprobeImpl implements Kretprobe {

    final KretprobeSpec spec;
    final int maxactive;
    final AtomicLong nmissed = new AtomicLong();
    /** Traps its hooked returns took at the trampoline, by vector. */
    final java.util.concurrent.atomic.AtomicLongArray returnTraps = new java.util.concurrent.atomic.AtomicLongArray(32);
    /** The entry probe; set right after construction. */
    KprobeImpl kp;
    private final RetprobeSlotImpl[] free;
    private int freeCount;
    private int inFlight;

    KretprobeImpl(KretprobeSpec spec, int maxactive) {
        this.spec = spec;
        this.maxactive = maxactive;
        this.free = new RetprobeSlotImpl[maxactive];
        for (int i = 0; i < maxactive; i++) {
            free[i] = new RetprobeSlotImpl(this, spec.dataSize());
        }
        this.freeCount = maxactive;
    }

    /** {@code get_free_rp_inst}: a free instance, or null when all are in flight. */
    synchronized RetprobeSlotImpl take() {
        if (freeCount == 0) {
            return null;
        }
        RetprobeSlotImpl ri = free[--freeCount];
        free[freeCount] = null;
        inFlight++;
        return ri;
    }

    /** Puts an instance back on the free list. */
    synchronized void giveBack(RetprobeSlotImpl ri) {
        ri.retAddr = 0;
        ri.stackAddr = 0;
        ri.task = 0;
        ri.data.clear();
        for (int i = 0; i < ri.data.capacity(); i++) {
            ri.data.put(i, (byte) 0);
        }
        free[freeCount++] = ri;
        inFlight--;
    }

    /** Unregistration: the in-flight instances lose their owner (orphans) and are dropped on return. */
    synchronized void orphanAll() {
        java.util.Arrays.fill(free, null);
        freeCount = 0;
    }

    /** An orphan came back: it is not counted any longer. */
    synchronized void orphanReturned() {
        inFlight--;
    }

    @Override public Kprobe kp() { return kp; }
    @Override public KretprobeSpec spec() { return spec; }
    @Override public int maxactive() { return maxactive; }
    @Override public long nmissed() { return nmissed.get(); }
    @Override public synchronized int inFlight() { return inFlight; }

    @Override
    public long trapCount(int vector) {
        return vector < 0 || vector >= 32 ? 0 : kp.trapCount(vector) + returnTraps.get(vector);
    }

    @Override
    public String toString() {
        return "kretprobe " + (kp != null ? kp.toString().replace("kretprobe ", "") : spec.kp());
    }
}
