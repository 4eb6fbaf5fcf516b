package io.kprobelab.machine;

/**
 * Code of the host placed in guest kernel text ({@link Machine#hostFunction}): what a kernel's C
 * function is to the assembly that calls it. It runs on the vCPU thread with the guest stopped
 * at its address, may read and change the registers and memory of {@code cpu}, and must leave in
 * RIP where the guest goes on (for a function that was {@code call}ed: pop the return address).
 */
@FunctionalInterface
public interface HostFunction {

    /** Runs at the function's address; the guest goes on at {@code cpu.regs().ip()} afterwards. */
    void run(Vcpu cpu);
}
