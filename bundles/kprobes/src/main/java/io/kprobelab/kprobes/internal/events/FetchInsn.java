package io.kprobelab.kprobes.internal.events;

/**
 * One step of a compiled fetch argument, like the kernel's {@code struct fetch_insn}: a load
 * (stage 1), dereferences (stage 2), one store (stage 3), an optional bitfield (stage 4) and an
 * optional array loop (stage 5). Mutable only while the parser builds it.
 */
final class FetchInsn {

    enum Op {
        NOP,
        // stage 1: load a value
        REG, STACK, STACKP, RETVAL, IMM, COMM, ARG, EDATA, DATA,
        // stage 2: dereference it
        DEREF, UDEREF,
        // stage 3: store it
        ST_RAW, ST_MEM, ST_UMEM, ST_STRING, ST_USTRING, ST_SYMSTR,
        // stage 4 and 5
        MOD_BF, LP_ARRAY,
        END,
        /** Holds an {@code @SYM} until it is resolved into the IMM that follows. */
        NOP_SYMBOL
    }

    Op op = Op.NOP;
    /** REG: the register; STACK/ARG: the index; LP_ARRAY: the count; EDATA: the slot. */
    int param;
    PtRegsField reg;
    /** IMM: the value. */
    long immediate;
    /** DEREF/UDEREF/ST_*: the offset added to the address. */
    long offset;
    /** ST_*: bytes stored; MOD_BF: the container size in bytes. */
    int size;
    int lshift;
    int rshift;
    /** DATA: the immediate string; NOP_SYMBOL: the symbol expression. */
    String data;

    FetchInsn copy() {
        FetchInsn c = new FetchInsn();
        c.op = op;
        c.param = param;
        c.reg = reg;
        c.immediate = immediate;
        c.offset = offset;
        c.size = size;
        c.lshift = lshift;
        c.rshift = rshift;
        c.data = data;
        return c;
    }
}
