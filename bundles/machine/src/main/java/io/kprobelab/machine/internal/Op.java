package io.kprobelab.machine.internal;

/**
 * One pre-decoded instruction: operands extracted, semantics in {@link #exec}. RIP-relative
 * addresses and return addresses are resolved at decode time (blocks are keyed by virtual RIP).
 * An op must change no architectural state before it can no longer fault.
 */
abstract class Op {
    /** Address of this instruction. */
    long rip;
    /** Address of the next instruction. */
    long next;
    /** Index in its block (for rdtsc's exact retired count). */
    int idx;

    /**
     * True when every flag this instruction writes is overwritten later in its block before any
     * instruction reads flags or can fault (so no trap frame can show them): the op may skip
     * computing its flags. Never set for single-step blocks.
     */
    boolean flagsDead;

    /** {@link #flagEffects()} bits. */
    static final int READS = 1, WRITES_ALL = 2, MAY_FAULT = 4;

    /** How this op uses the arithmetic flags; the default is the conservative "reads, may fault". */
    int flagEffects() {
        return READS | MAY_FAULT;
    }

    abstract void exec(Cpu c);

    /** True if this instruction must end its block (control transfer, serialising, TF change). */
    boolean endsBlock() {
        return false;
    }
}
