package io.kprobelab.kprobes;

import java.util.Objects;

/**
 * What a module fills in {@code struct kprobe} before {@code register_kprobe}: where (an address,
 * or a symbol and an offset) and the handlers. Immutable; build one with {@link #at(String)},
 * {@link #at(String, long)} or {@link #atAddress(long)}.
 */
public final class KprobeSpec {

    private final String symbolName;
    private final long offset;
    private final long addr;
    private final KprobePreHandler preHandler;
    private final KprobePostHandler postHandler;
    private final boolean disabled;
    private final String owner;

    private KprobeSpec(String symbolName, long offset, long addr, KprobePreHandler pre,
                       KprobePostHandler post, boolean disabled, String owner) {
        this.symbolName = symbolName;
        this.offset = offset;
        this.addr = addr;
        this.preHandler = pre;
        this.postHandler = post;
        this.disabled = disabled;
        this.owner = owner;
    }

    /** A probe on the first instruction of {@code symbol}. */
    public static KprobeSpec at(String symbol) {
        return at(symbol, 0);
    }

    /** A probe at {@code symbol+offset} ({@code symbol_name} and {@code offset}). */
    public static KprobeSpec at(String symbol, long offset) {
        return new KprobeSpec(Objects.requireNonNull(symbol, "symbol"), offset, 0, null, null, false, null);
    }

    /** A probe at an absolute guest address ({@code addr}). */
    public static KprobeSpec atAddress(long addr) {
        return new KprobeSpec(null, 0, addr, null, null, false, null);
    }

    /** The same probe with a pre-handler. */
    public KprobeSpec preHandler(KprobePreHandler h) {
        return new KprobeSpec(symbolName, offset, addr, h, postHandler, disabled, owner);
    }

    /** The same probe with a post-handler. */
    public KprobeSpec postHandler(KprobePostHandler h) {
        return new KprobeSpec(symbolName, offset, addr, preHandler, h, disabled, owner);
    }

    /** Registered disarmed ({@code KPROBE_FLAG_DISABLED} at registration). */
    public KprobeSpec disabled(boolean d) {
        return new KprobeSpec(symbolName, offset, addr, preHandler, postHandler, d, owner);
    }

    /** Who registered it (a bundle or module name), shown in {@code kprobes/list} and in errors. */
    public KprobeSpec owner(String o) {
        return new KprobeSpec(symbolName, offset, addr, preHandler, postHandler, disabled, o);
    }

    /** The symbol, or null when given by address. */
    public String symbolName() { return symbolName; }

    /** Offset from the symbol. */
    public long offset() { return offset; }

    /** The absolute address, or 0 when given by symbol. */
    public long addr() { return addr; }

    /** The pre-handler, or null. */
    public KprobePreHandler preHandler() { return preHandler; }

    /** The post-handler, or null. */
    public KprobePostHandler postHandler() { return postHandler; }

    /** Whether it is registered disabled. */
    public boolean disabled() { return disabled; }

    /** The owner's name, or null. */
    public String owner() { return owner; }

    @Override
    public String toString() {
        return symbolName != null ? symbolName + "+0x" + Long.toHexString(offset) : "0x" + Long.toHexString(addr);
    }
}
