package io.kprobelab.machine;

/**
 * Host code run when a vCPU is about to execute an instruction of the guest
 * ({@link Machine#onExecute}), the way a kernel calls a hook from inside its own code: no trap,
 * no retired instruction, nothing the guest can see. It runs on the vCPU thread at the
 * instruction boundary, with the registers as the instruction will see them (RIP at it); it may
 * read them and guest memory, and must not change RIP.
 */
@FunctionalInterface
public interface ExecutionHook {

    /** The vCPU is at the hooked instruction. */
    void atInstruction(Vcpu cpu);
}
