package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.spi.ArchProbeHandlers;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.machine.PtRegs;
import java.util.Arrays;

/**
 * One probed address: the hashed probe, which aggregates every user probe at that address
 * ({@code aggr_kprobe}), or an arch probe with its own handlers.
 *
 * <p>Children are kept newest first, as {@code list_add_rcu} on the aggregate's list leaves
 * them, so the most recently registered probe's handlers run first. As in 2005's
 * {@code aggr_pre_handler}, the children's return values are ignored when several probes share
 * the address; a lone probe's non-zero return skips the single-step.
 */
final class ProbePointImpl implements ProbePoint {

    private final long addr;
    private final ArchProbeHandlers archHandlers;
    private final HandlerGuard guard;
    private volatile KprobeImpl[] children = new KprobeImpl[0];
    private volatile int opcode = -1;
    private volatile Object archData;
    /** Whether the breakpoint is currently planted; changed only inside stop-machine. */
    volatile boolean armed;
    /** Traps taken here, by vector (0..31: the exception vectors). */
    final java.util.concurrent.atomic.AtomicLongArray traps = new java.util.concurrent.atomic.AtomicLongArray(32);

    /** Calls handlers and turns a throwing one into a shut-off probe. */
    interface HandlerGuard {
        int pre(KprobeImpl kp, PtRegs regs);

        void post(KprobeImpl kp, PtRegs regs);
    }

    ProbePointImpl(long addr, HandlerGuard guard) {
        this.addr = addr;
        this.archHandlers = null;
        this.guard = guard;
    }

    ProbePointImpl(long addr, ArchProbeHandlers archHandlers) {
        this.addr = addr;
        this.archHandlers = archHandlers;
        this.guard = null;
    }

    boolean isArchProbe() {
        return archHandlers != null;
    }

    KprobeImpl[] children() {
        return children;
    }

    /** Adds a probe at the head of the list (newest first). Caller holds the registration lock. */
    void addChild(KprobeImpl kp) {
        KprobeImpl[] old = children;
        KprobeImpl[] n = new KprobeImpl[old.length + 1];
        n[0] = kp;
        System.arraycopy(old, 0, n, 1, old.length);
        children = n;
    }

    /** Removes a probe. Caller holds the registration lock. */
    void removeChild(KprobeImpl kp) {
        children = Arrays.stream(children).filter(c -> c != kp).toArray(KprobeImpl[]::new);
    }

    /** True when the breakpoint should be planted: some child can run its handlers. */
    boolean wanted() {
        if (archHandlers != null) {
            return true;
        }
        for (KprobeImpl c : children) {
            if (!c.disabled && !c.gone) {
                return true;
            }
        }
        return false;
    }

    @Override public long addr() { return addr; }
    @Override public int opcode() { return opcode; }
    @Override public void setOpcode(int opcode) { this.opcode = opcode; }
    @Override public Object archData() { return archData; }
    @Override public void setArchData(Object data) { this.archData = data; }

    @Override
    public boolean hasPostHandler() {
        if (archHandlers != null) {
            return archHandlers.hasPost();
        }
        for (KprobeImpl c : children) {
            if (c.spec.postHandler() != null && c.kretprobe == null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int runPreHandlers(PtRegs regs) {
        if (archHandlers != null) {
            return archHandlers.pre(this, regs);
        }
        KprobeImpl[] ch = children;
        if (ch.length == 1) {
            KprobeImpl kp = ch[0];
            return kp.active() ? guard.pre(kp, regs) : 0;
        }
        for (KprobeImpl kp : ch) {
            if (kp.active()) {
                guard.pre(kp, regs);
            }
        }
        return 0;
    }

    @Override
    public void runPostHandlers(PtRegs regs) {
        if (archHandlers != null) {
            archHandlers.post(this, regs);
            return;
        }
        for (KprobeImpl kp : children) {
            if (kp.active() && kp.kretprobe == null && kp.spec.postHandler() != null) {
                guard.post(kp, regs);
            }
        }
    }

    @Override
    public void incMissed() {
        for (KprobeImpl kp : children) {
            kp.nmissed.incrementAndGet();
        }
    }

    @Override
    public void countTrap(int vector) {
        if (vector >= 0 && vector < 32) {
            traps.incrementAndGet(vector);
        }
    }

    long trapCount(int vector) {
        return vector >= 0 && vector < 32 ? traps.get(vector) : 0;
    }

    @Override
    public String toString() {
        return "probe point 0x" + Long.toHexString(addr) + (archHandlers != null ? " (arch)" : " " + Arrays.toString(children));
    }
}
