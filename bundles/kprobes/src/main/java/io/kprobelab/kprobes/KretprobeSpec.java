package io.kprobelab.kprobes;

import java.util.Objects;

/**
 * What a module fills in {@code struct kretprobe}: the function (a {@link KprobeSpec} on its
 * entry), the return handler, an optional entry handler, {@code maxactive} and
 * {@code data_size}.
 *
 * <p>{@code maxactive} is how many calls of the function may be in flight at once with their
 * return hooked: each needs an instance, preallocated at registration. When a call finds no free
 * instance (more concurrent or recursive calls than {@code maxactive}), the call is not hooked
 * and {@link Kretprobe#nmissed()} counts it; the function still returns normally. 0 asks for
 * the kernel's default.
 */
public final class KretprobeSpec {

    /** The kernel's limit on per-instance data ({@code KRETPROBE_MAX_DATA_SIZE}). */
    public static final int MAX_DATA_SIZE = 4096;

    private final KprobeSpec kp;
    private final KretprobeHandler handler;
    private final KretprobeHandler entryHandler;
    private final int maxactive;
    private final int dataSize;

    private KretprobeSpec(KprobeSpec kp, KretprobeHandler handler, KretprobeHandler entryHandler,
                          int maxactive, int dataSize) {
        this.kp = Objects.requireNonNull(kp, "kp");
        this.handler = handler;
        this.entryHandler = entryHandler;
        this.maxactive = maxactive;
        this.dataSize = dataSize;
    }

    /** A return probe on {@code function}. */
    public static KretprobeSpec on(String function) {
        return new KretprobeSpec(KprobeSpec.at(function), null, null, 0, 0);
    }

    /** A return probe whose entry is given by {@code kp} (symbol+offset or address). */
    public static KretprobeSpec on(KprobeSpec kp) {
        return new KretprobeSpec(kp, null, null, 0, 0);
    }

    /** With a return handler. */
    public KretprobeSpec handler(KretprobeHandler h) {
        return new KretprobeSpec(kp, h, entryHandler, maxactive, dataSize);
    }

    /** With an entry handler. */
    public KretprobeSpec entryHandler(KretprobeHandler h) {
        return new KretprobeSpec(kp, handler, h, maxactive, dataSize);
    }

    /** With {@code maxactive} instances (0 = the default rule). */
    public KretprobeSpec maxactive(int n) {
        return new KretprobeSpec(kp, handler, entryHandler, n, dataSize);
    }

    /** With {@code n} bytes of private data per instance. */
    public KretprobeSpec dataSize(int n) {
        return new KretprobeSpec(kp, handler, entryHandler, maxactive, n);
    }

    /** The entry probe's location (its handlers are ignored: the core installs its own). */
    public KprobeSpec kp() { return kp; }

    /** The return handler, or null. */
    public KretprobeHandler handler() { return handler; }

    /** The entry handler, or null. */
    public KretprobeHandler entryHandler() { return entryHandler; }

    /** Requested maxactive; 0 for the default. */
    public int maxactive() { return maxactive; }

    /** Bytes of per-instance data. */
    public int dataSize() { return dataSize; }

    @Override
    public String toString() {
        return "kretprobe on " + kp;
    }
}
