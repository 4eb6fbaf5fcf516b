package io.kprobelab.kprobes;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered kretprobe: the live side of {@code struct kretprobe}.
 */
@ProviderType
public interface Kretprobe {

    /** The entry probe on the function's first instruction. */
    Kprobe kp();

    /** What the module asked for. */
    KretprobeSpec spec();

    /** The number of preallocated instances. */
    int maxactive();

    /** Calls that found no free instance, so their return was not hooked. */
    long nmissed();

    /** Instances currently in flight (hooked returns not yet taken). */
    int inFlight();

    /**
     * Traps with {@code vector} this kretprobe caused: those at its entry probe plus those its
     * hooked returns took at the trampoline. In the 2005 design a call costs two #BP and two #DB.
     */
    long trapCount(int vector);
}
