package io.kprobelab.kprobes.events;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed kprobe_events definition: one probe of an event (an event may hold several probes with
 * the same arguments). Immutable. {@link #toString()} is the line {@code kprobe_events} reads back,
 * e.g. {@code p:kprobes/myprobe do_sys_open dfd=%ax} or {@code r20:kprobes/myretprobe do_sys_open arg1=$retval}.
 */
public final class ProbeEventDefinition {

    /** The group used when a definition names none. */
    public static final String DEFAULT_GROUP = "kprobes";

    private final boolean isReturn;
    private final int maxActive;
    private final String group;
    private final String event;
    private final String symbol;
    private final long offset;
    private final long address;
    private final List<ProbeArgument> arguments;

    private ProbeEventDefinition(boolean isReturn, int maxActive, String group, String event,
            String symbol, long offset, long address, List<ProbeArgument> arguments) {
        this.isReturn = isReturn;
        this.maxActive = maxActive;
        this.group = Objects.requireNonNull(group);
        this.event = Objects.requireNonNull(event);
        this.symbol = symbol;
        this.offset = offset;
        this.address = address;
        this.arguments = List.copyOf(arguments);
    }

    /** A probe on {@code symbol+offset} ({@code offset} 0..UINT_MAX). */
    public static ProbeEventDefinition onSymbol(boolean isReturn, int maxActive, String group, String event,
            String symbol, long offset, List<ProbeArgument> arguments) {
        if (offset < 0 || offset > 0xffff_ffffL) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        return new ProbeEventDefinition(isReturn, maxActive, group, event, Objects.requireNonNull(symbol),
                offset, 0, arguments);
    }

    /** A probe on a raw kernel address. */
    public static ProbeEventDefinition onAddress(boolean isReturn, int maxActive, String group, String event,
            long address, List<ProbeArgument> arguments) {
        return new ProbeEventDefinition(isReturn, maxActive, group, event, null, 0, address, arguments);
    }

    /**
     * This definition with another maxactive. The kernel reads back the kretprobe's maxactive as
     * registered, and {@code register_kretprobe} replaces 0 by its default (today's kernels:
     * {@code max(10, 2 * possible CPUs)}, so {@code r:} reads back as {@code r10:}; the 2005 rule
     * of KprobeLab's generations gives one per CPU on a kernel that is not preemptible).
     */
    public ProbeEventDefinition withMaxActive(int maxActive) {
        return new ProbeEventDefinition(isReturn, maxActive, group, event, symbol, offset, address, arguments);
    }

    /** True for a return probe ({@code r} or {@code %return}). */
    public boolean isReturn() { return isReturn; }

    /** The kretprobe's maxactive; 0 means the default (and is not read back). */
    public int maxActive() { return maxActive; }

    /** The event's group (system). */
    public String group() { return group; }

    /** The event's name. */
    public String event() { return event; }

    /** The probed symbol, absent for a probe on an address. */
    public Optional<String> symbol() { return Optional.ofNullable(symbol); }

    /** Offset from {@link #symbol()} (0 for an address probe). */
    public long offset() { return offset; }

    /** The probed address when the definition gave one instead of a symbol. */
    public OptionalLong address() { return symbol == null ? OptionalLong.of(address) : OptionalLong.empty(); }

    /** The fetch arguments in order. */
    public List<ProbeArgument> arguments() { return arguments; }

    /**
     * The probe point as read back: {@code SYM}, {@code SYM+OFFS} (decimal) or {@code 0xADDR}
     * (16 hex digits, as {@code %p} prints when pointers are not hashed).
     */
    public String target() {
        if (symbol == null) {
            return String.format("0x%016x", address);
        }
        return offset != 0 ? symbol + "+" + offset : symbol;
    }

    /** The {@code kprobe_events} read-back line (without the newline). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(isReturn ? 'r' : 'p');
        if (isReturn && maxActive != 0) {
            sb.append(maxActive);
        }
        sb.append(':').append(group).append('/').append(event).append(' ').append(target());
        for (ProbeArgument a : arguments) {
            sb.append(' ').append(a.name()).append('=').append(a.expression());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeEventDefinition d && toString().equals(d.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
