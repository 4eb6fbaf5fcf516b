package io.kprobelab.kprobes;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered kprobe: the live side of {@code struct kprobe}, maintained by the core.
 */
@ProviderType
public interface Kprobe {

    /** The resolved probe address ({@code kp->addr}). */
    long addr();

    /** The symbol it was registered by, or null. */
    String symbolName();

    /** The offset from {@link #symbolName()}. */
    long offset();

    /** What the module asked for. */
    KprobeSpec spec();

    /**
     * Times this probe was hit but its handlers were not run: it fired while another probe was
     * being handled on the same CPU (re-entry), so it was only single-stepped.
     */
    long nmissed();

    /** Times the breakpoint was hit and the handlers ran. */
    long hits();

    /**
     * Traps with {@code vector} (3 = #BP, 1 = #DB) taken at this probe's address while it was
     * registered: the cost the probe adds, in interruptions. Probes sharing an address share them.
     */
    long trapCount(int vector);

    /** Temporarily disarmed ({@code KPROBE_FLAG_DISABLED}). */
    boolean isDisabled();

    /** Its address is no longer valid or its handler failed and it was shut off ({@code KPROBE_FLAG_GONE}). */
    boolean isGone();

    /** Still registered. */
    boolean isRegistered();

    /** Why the probe was shut off (a handler that threw), or null. */
    String failure();
}
