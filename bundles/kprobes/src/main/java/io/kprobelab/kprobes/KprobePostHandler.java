package io.kprobelab.kprobes;

import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs after the probed instruction was single-stepped ({@code kprobe_post_handler_t}).
 */
@ConsumerType
@FunctionalInterface
public interface KprobePostHandler {

    /**
     * @param p     the probe
     * @param regs  the registers after the instruction, fixed up to the original location
     * @param flags always 0, as in the kernel
     */
    void handle(Kprobe p, PtRegs regs, long flags);
}
