package io.kprobelab.kprobes.spi;

import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The handlers of a probe the arch code registers for itself (the trampoline probe).
 */
@ConsumerType
public interface ArchProbeHandlers {

    /** Like a pre-handler: non-zero skips the single-step (the handler set RIP). */
    int pre(ProbePoint p, PtRegs regs);

    /** Like a post-handler; the default does nothing. */
    default void post(ProbePoint p, PtRegs regs) {
    }

    /** True if {@link #post} must run (the 2005 trampoline's post-handler). */
    default boolean hasPost() {
        return false;
    }
}
