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
    final long addr;
    final String symbol;
    final long offset;
    /** Set for the entry probe of a kretprobe: its pre-handler is {@code pre_handler_kretprobe}. */
    final KretprobeImpl kretprobe;
    final AtomicLong nmissed = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    volatile boolean disabled;
    volatile boolean gone;
    volatile boolean registered = true;
    volatile String failure;

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

    @Override
    public String toString() {
        return (kretprobe != null ? "kretprobe " : "kprobe ") + (symbol != null ? symbol + "+0x" + Long.toHexString(offset)
                : "0x" + Long.toHexString(addr));
    }
}
