package io.kprobelab.machine.internal;

/**
 * A run of pre-decoded instructions starting at {@link #rip}, ending at a control transfer, a
 * serialising instruction or a page end. Invalidated when a page it was decoded from is written.
 */
final class Block {
    final long rip;
    /** RIP after the last instruction (the fall-through). */
    long endRip;
    Op[] ops;
    /** Instructions in the block (fused ops stand for two). */
    int count;
    /** False once a write hit one of its pages. */
    boolean valid = true;
    /** The vCPU's translation epoch this block was looked up under (TLB flushes bump it). */
    int epoch = -1;
    /** Physical page of the second page when the last instruction crosses a page, else -1. */
    long ppn2 = -1;
    /** Virtual page of the second page (to re-check its mapping after a TLB flush). */
    long vpn2 = -1;

    /** The last two successors seen (block chaining: skips the cache lookup on hot edges). */
    Block succ1, succ2;

    Block(long rip) {
        this.rip = rip;
    }
}
