package io.kprobelab.kprobes;

import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs at the breakpoint, before the probed instruction executes ({@code kprobe_pre_handler_t}).
 */
@ConsumerType
@FunctionalInterface
public interface KprobePreHandler {

    /**
     * @param p    the probe that hit
     * @param regs the registers at the breakpoint; RIP is the probe address + 1
     * @return 0 to single-step the probed instruction; non-zero when the handler changed RIP
     *         itself and the step must be skipped
     */
    int handle(Kprobe p, PtRegs regs);
}
