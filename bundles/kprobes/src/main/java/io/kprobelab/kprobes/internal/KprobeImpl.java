package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeSpec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registered user probe: one child of a {@link ProbePointImpl} ({@code struct kprobe} as a
 * module sees it).
 */
final class KprobeImpl implements Kprobe {

    final KprobeSpec spec;
    /** Where it is planted; re-resolved from the spec when a new image is loaded. */
    volatile long addr;
    volatile String symbol;
    volatile long offset;
    /** Set for the entry probe of a kretprobe: its pre-handler is {@code pre_handler_kretprobe}. */
    final KretprobeImpl kretprobe;
    final AtomicLong nmissed = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    volatile boolean disabled;
    volatile boolean gone;
    volatile boolean registered = true;
    volatile String failure;
    /** The core's own probe (the task-exit hook): not listed, not the user's to unregister. */
    boolean internal;
    /** The probe point it belongs to while registered; its trap counts are this probe's. */
    volatile ProbePointImpl site;
    /** Trap counts of the site when this probe joined it, so earlier traps are not counted. */
    private final long[] trapBase = new long[32];
    /** Counts frozen at unregistration. */
    private volatile long[] finalTraps;

    KprobeImpl(KprobeSpec spec, long addr, String symbol, long offset, KretprobeImpl kretprobe) {
        this.spec = spec;
        this.addr = addr;
        this.symbol = symbol;
        this.offset = offset;
        this.kretprobe = kretprobe;
        this.disabled = spec.disabled();
    }

    /** Ready to run handlers: registered, not disabled, not gone. */
    boolean active() {
        return !disabled && !gone && registered;
    }

    /** 'r' for a kretprobe's entry probe, else 'k' (the type column of kprobes/list). */
    char type() {
        return kretprobe != null ? 'r' : 'k';
    }

    @Override public long addr() { return addr; }
    @Override public String symbolName() { return symbol; }
    @Override public long offset() { return offset; }
    @Override public KprobeSpec spec() { return spec; }
    @Override public long nmissed() { return nmissed.get(); }
    @Override public long hits() { return hits.get(); }
    @Override public boolean isDisabled() { return disabled; }
    @Override public boolean isGone() { return gone; }
    @Override public boolean isRegistered() { return registered; }
    @Override public String failure() { return failure; }

    /** Joins {@code p}: counts from now on. */
    void attach(ProbePointImpl p) {
        for (int v = 0; v < 32; v++) {
            trapBase[v] = p.trapCount(v);
        }
        site = p;
    }

    /** Leaves its site: the counts stop. */
    void detach() {
        long[] f = new long[32];
        for (int v = 0; v < 32; v++) {
            f[v] = trapCount(v);
        }
        finalTraps = f;
        site = null;
    }

    @Override
    public long trapCount(int vector) {
        if (vector < 0 || vector >= 32) {
            return 0;
        }
        long[] f = finalTraps;
        if (f != null) {
            return f[vector];
        }
        ProbePointImpl p = site;
        return p == null ? 0 : p.trapCount(vector) - trapBase[vector];
    }

    @Override
    public String toString() {
        return (kretprobe != null ? "kretprobe " : "kprobe ") + (symbol != null ? symbol + "+0x" + Long.toHexString(offset)
                : "0x" + Long.toHexString(addr));
    }
}
