package io.kprobelab.machine;

/**
 * One virtual CPU. Each vCPU runs guest code on its own host thread; trap handlers run on that
 * thread while the guest is stopped at the trap.
 */
public interface Vcpu {

    /** CPU number, from 0. */
    int id();

    /** The machine this vCPU belongs to. */
    Machine machine();

    /** The registers; only valid on this vCPU's thread while it is stopped (in a trap handler). */
    PtRegs regs();

    /** Guest-virtual memory through this vCPU's current CR3. */
    GuestMemory memory();

    /** Instructions retired so far: this vCPU's virtual time. */
    long retired();
}
