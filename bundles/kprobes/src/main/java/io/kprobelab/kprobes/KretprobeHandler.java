package io.kprobelab.kprobes;

import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kretprobe's return handler or entry handler ({@code kretprobe_handler_t}).
 *
 * <p>As a return handler it runs when the probed function returns: RAX holds the return value
 * ({@code regs_return_value}); its result is ignored. As an entry handler it runs at the
 * function's first instruction; a non-zero result cancels this instance, so the return is not
 * hooked and the return handler will not run for this call.
 */
@ConsumerType
@FunctionalInterface
public interface KretprobeHandler {

    /** @return for an entry handler, non-zero to skip hooking this call's return */
    int handle(KretprobeInstance ri, PtRegs regs);
}
