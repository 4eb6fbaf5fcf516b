package io.kprobelab.traps;

import io.kprobelab.machine.Trap;
import io.kprobelab.machine.Vcpu;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A handler on the die-notifier chain (the kernel's {@code notifier_block} on {@code
 * die_chain}). Register it as an OSGi service (whiteboard); its {@link #PRIORITY} service
 * property orders the chain, higher first. kprobes registers at {@link Integer#MAX_VALUE}, as
 * {@code kprobe_exceptions_notify} does.
 *
 * <p>Called on the vCPU's thread while the guest is stopped at the trap; it may read and change
 * {@code cpu.regs()}. It must not block: every other vCPU may be waiting on this one. A notifier
 * that throws is logged and treated as {@link NotifyResult#DONE}.
 */
@ConsumerType
@FunctionalInterface
public interface DieNotifier {

    /**
     * Service property (Integer) giving the notifier's place in the chain: higher runs first,
     * like {@code notifier_block.priority}. Absent means {@link #DEFAULT_PRIORITY}.
     */
    String PRIORITY = "kprobelab.die.priority";

    /** The priority of a notifier registered without {@link #PRIORITY}. */
    int DEFAULT_PRIORITY = 0;

    /**
     * Offered one trap ({@code notify_die(DIE_INT3 / DIE_DEBUG / DIE_GPF / ..., regs, trapnr)}).
     *
     * @return {@link NotifyResult#STOP} if this notifier handled the trap, else {@link
     *         NotifyResult#DONE}
     */
    NotifyResult notify(Vcpu cpu, Trap trap);
}
