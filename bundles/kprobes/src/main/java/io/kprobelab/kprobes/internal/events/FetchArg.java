package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.internal.events.FetchInsn.Op;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;

/**
 * A compiled fetch argument: the program the parser built ({@code struct probe_arg}) and how to
 * run it at a probe hit and print the result as the trace output does ({@code name=value}).
 * Evaluating it allocates nothing beyond what the output needs (and the exception of a fault).
 */
final class FetchArg {

    /** {@code THREAD_SIZE} of x86-64 without KASAN (16 KiB): the parser's bound on {@code $stackN}. */
    static final long THREAD_SIZE = 16 * 1024;
    /** {@code TASK_SIZE_MAX} on x86-64 with 4-level paging. */
    static final long TASK_SIZE_MAX = (1L << 47) - 4096;
    /** {@code MAX_STRING_SIZE} ({@code PATH_MAX}): a string keeps at most this minus the NUL. */
    static final int MAX_STRING_SIZE = 4096;
    static final String FAULT = "(fault)";

    final ProbeArgument argument;
    final FetchType type;
    final int count;
    private final FetchInsn[] code;

    FetchArg(ProbeArgument argument, FetchType type, int count, FetchInsn[] code) {
        this.argument = argument;
        this.type = type;
        this.count = count;
        this.code = code;
    }

    String name() {
        return argument.name();
    }

    /** The program itself (the parser patches resolved {@code @SYM} addresses into it). */
    FetchInsn[] code() {
        return code;
    }

    /** Appends {@code " name=value"}, the argument's part of a trace line. */
    void appendTo(StringBuilder out, FetchContext ctx) {
        out.append(' ').append(argument.name()).append('=');
        appendValue(out, ctx);
    }

    /** Appends the printed value alone. */
    void appendValue(StringBuilder out, FetchContext ctx) {
        int pc = 0;
        if (code[pc].op == Op.NOP_SYMBOL) {
            pc++;
        }
        FetchInsn load = code[pc];
        long val;
        switch (load.op) {
            case REG: val = load.reg.read(ctx); break;
            case STACK: val = stackNth(ctx, load.param); break;
            case STACKP: val = ctx.regs().sp(); break;
            case RETVAL: val = ctx.regs().get(Reg.RAX); break;
            case ARG: val = kernelArgument(ctx, load.param); break;
            case EDATA: val = ctx.entryData(load.param); break;
            case IMM: val = load.immediate; break;
            case COMM: appendQuoted(out, ctx.comm()); return;
            case DATA: appendQuoted(out, load.data); return;
            default: throw new IllegalStateException("bad load " + load.op);
        }
        pc++;
        boolean faulted = false;
        long lval = val;
        int lastDeref = -1;
        while (code[pc].op == Op.DEREF || code[pc].op == Op.UDEREF) {
            lval = val;
            lastDeref = pc;
            if (!faulted) {
                try {
                    val = readU64(ctx, code[pc].op == Op.UDEREF, val + code[pc].offset);
                } catch (MemoryFault f) {
                    faulted = true;
                }
            }
            pc++;
        }
        FetchInsn store = code[pc];
        FetchInsn bitfield = code[pc + 1].op == Op.MOD_BF ? code[pc + 1] : null;
        if (count == 0) {
            appendElement(out, ctx, store, bitfield, val, faulted);
            return;
        }
        out.append('{');
        boolean pointerArray = store.op == Op.ST_STRING || store.op == Op.ST_USTRING;
        boolean chainFaulted = faulted; // the kernel gives up on the whole argument then
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(',');
                if (chainFaulted) {
                    faulted = true;
                } else if (pointerArray && lastDeref >= 0) {
                    // an array of string pointers: redo the last dereference one pointer further
                    long base = lval + 8L * i;
                    faulted = false;
                    try {
                        val = readU64(ctx, code[lastDeref].op == Op.UDEREF, base + code[lastDeref].offset);
                    } catch (MemoryFault f) {
                        faulted = true;
                    }
                } else if (!pointerArray) {
                    val += store.size;
                } else {
                    faulted = true;
                }
            }
            appendElement(out, ctx, store, bitfield, val, faulted);
        }
        out.append('}');
    }

    private void appendElement(StringBuilder out, FetchContext ctx, FetchInsn store, FetchInsn bitfield,
            long val, boolean faulted) {
        if (type.isString()) {
            if (faulted) {
                out.append(FAULT);
                return;
            }
            long at = val + store.offset;
            switch (store.op) {
                case ST_STRING: appendString(out, ctx, false, at); return;
                case ST_USTRING: appendString(out, ctx, true, at); return;
                case ST_SYMSTR:
                    out.append('"');
                    KallsymsFormat.appendSymbol(out, ctx.symbols(), at);
                    out.append('"');
                    return;
                default: throw new IllegalStateException("bad string store " + store.op);
            }
        }
        long v = 0;
        if (!faulted) {
            switch (store.op) {
                case ST_RAW: v = type.truncate(val); break;
                case ST_MEM:
                case ST_UMEM:
                    try {
                        v = readSized(ctx, store.op == Op.ST_UMEM, val + store.offset, store.size);
                    } catch (MemoryFault f) {
                        v = 0; // the kernel leaves the slot as it was; we print 0
                    }
                    break;
                default: throw new IllegalStateException("bad store " + store.op);
            }
        }
        if (bitfield != null) {
            int bits = bitfield.size * 8;
            long shifted = bits == 64 ? v << bitfield.lshift : (v << bitfield.lshift) & ((1L << bits) - 1);
            v = shifted >>> bitfield.rshift;
        }
        if (type == FetchType.SYMBOL) {
            KallsymsFormat.appendSymbol(out, ctx.symbols(), v);
        } else {
            type.appendScalar(out, v);
        }
    }

    /** Copies a NUL-terminated string like {@code strncpy_from_*_nofault}: any fault prints {@code (fault)}. */
    private static void appendString(StringBuilder out, FetchContext ctx, boolean user, long at) {
        int start = out.length();
        out.append('"');
        try {
            GuestMemory mem = memoryFor(ctx, user, at, 1);
            for (int n = 0; n < MAX_STRING_SIZE - 1; n++) {
                long a = at + n;
                if (user ? !userAccessOk(a, 1) : !kernelAccessOk(a)) {
                    throw new MemoryFault(a, 0);
                }
                int b = mem.readU8(a);
                if (b == 0) {
                    break;
                }
                out.append((char) b);
            }
        } catch (MemoryFault f) {
            out.setLength(start);
            out.append(FAULT);
            return;
        }
        out.append('"');
    }

    private static void appendQuoted(StringBuilder out, CharSequence s) {
        out.append('"').append(s).append('"');
    }

    private static long readU64(FetchContext ctx, boolean user, long address) throws MemoryFault {
        return memoryFor(ctx, user, address, 8).readU64(address);
    }

    private static long readSized(FetchContext ctx, boolean user, long address, int size) throws MemoryFault {
        GuestMemory mem = memoryFor(ctx, user, address, size);
        if (size == 8) {
            return mem.readU64(address);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) mem.readU8(address + i) << (8 * i);
        }
        return v;
    }

    /** The memory to read and the kernel's range checks: kernel reads refuse user addresses and vice versa. */
    private static GuestMemory memoryFor(FetchContext ctx, boolean user, long address, int size) throws MemoryFault {
        if (user) {
            if (!userAccessOk(address, size)) {
                throw new MemoryFault(address, MemoryFault.PF_USER);
            }
            return ctx.userMemory();
        }
        if (!kernelAccessOk(address)) {
            throw new MemoryFault(address, 0);
        }
        return ctx.memory();
    }

    /** {@code copy_from_kernel_nofault_allowed}: not below {@code TASK_SIZE_MAX + PAGE_SIZE}, canonical. */
    static boolean kernelAccessOk(long address) {
        return Long.compareUnsigned(address, TASK_SIZE_MAX + 4096) >= 0 && (address >> 47) == -1L;
    }

    /** {@code access_ok}: the whole range lies below {@code TASK_SIZE_MAX}. */
    static boolean userAccessOk(long address, int size) {
        return Long.compareUnsigned(address, TASK_SIZE_MAX) < 0
                && Long.compareUnsigned(address + size, TASK_SIZE_MAX) <= 0;
    }

    /** {@code regs_get_kernel_stack_nth}: 0 when outside the current stack or unreadable. */
    static long stackNth(FetchContext ctx, int n) {
        long sp = ctx.regs().sp();
        long addr = sp + 8L * n;
        long threadSize = ctx.threadSize();
        // regs_get_kernel_stack_nth: only within the kernel stack the stack pointer is on
        if (threadSize != 0 && (addr & -threadSize) != (sp & -threadSize)) {
            return 0;
        }
        try {
            return ctx.memory().readU64(addr);
        } catch (MemoryFault f) {
            return 0;
        }
    }

    /** {@code regs_get_kernel_argument}: rdi, rsi, rdx, rcx, r8, r9, then the stack above the return address. */
    static long kernelArgument(FetchContext ctx, int n) {
        PtRegs regs = ctx.regs();
        switch (n) {
            case 0: return regs.get(Reg.RDI);
            case 1: return regs.get(Reg.RSI);
            case 2: return regs.get(Reg.RDX);
            case 3: return regs.get(Reg.RCX);
            case 4: return regs.get(Reg.R8);
            case 5: return regs.get(Reg.R9);
            default: return stackNth(ctx, n - 5);
        }
    }
}
