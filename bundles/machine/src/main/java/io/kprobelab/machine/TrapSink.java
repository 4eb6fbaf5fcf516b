package io.kprobelab.machine;

/**
 * Receives every trap a vCPU raises, on the vCPU's own thread, before architectural delivery
 * (the kernel's {@code notify_die}). The registers are those the exception would push: for a
 * trap (#BP, #DB) RIP is after the instruction, for a fault RIP is the faulting instruction.
 * The sink may change them; if it returns {@code true} the vCPU resumes from them and the trap
 * is not delivered.
 */
@FunctionalInterface
public interface TrapSink {

    /**
     * @return true if the trap was consumed ({@code NOTIFY_STOP}); false to deliver it
     */
    boolean onTrap(Vcpu cpu, Trap trap);
}
