package io.kprobelab.kprobes.whiteboard;

/**
 * The service properties of a whiteboard handler service: what a module fills in
 * {@code struct kprobe} / {@code struct kretprobe}. Numbers may be given as {@link Number}s or
 * as strings in C syntax ({@code 16}, {@code 0x10}).
 */
public final class KprobeProperties {

    /**
     * The probed symbol ({@code symbol_name}); give either this or {@link #ADDR}. Several symbols
     * (a {@code String[]}, as a component's repeated property makes it) name alternatives: the
     * first one the running kernel has is probed, so one bundle serves kernels that name the same
     * function differently ({@code sys_mkdir} on the KprobeLab guest, {@code do_mkdirat} on Linux).
     */
    public static final String SYMBOL = "kprobe.symbol";

    /** Offset from {@link #SYMBOL} ({@code offset}); default 0. */
    public static final String OFFSET = "kprobe.offset";

    /** An absolute guest address ({@code addr}), instead of a symbol. */
    public static final String ADDR = "kprobe.addr";

    /** A kretprobe's {@code maxactive}; default 0, the kernel's default rule. */
    public static final String MAXACTIVE = "kretprobe.maxactive";

    /** A kretprobe's per-instance {@code data_size} in bytes; default 0. */
    public static final String DATA_SIZE = "kretprobe.data.size";

    private KprobeProperties() {
    }
}
