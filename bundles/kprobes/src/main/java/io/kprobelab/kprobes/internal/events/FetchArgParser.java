package io.kprobelab.kprobes.internal.events;

import static io.kprobelab.kprobes.events.ProbeEventError.*;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.internal.events.FetchInsn.Op;
import java.util.List;
import java.util.Set;

/**
 * Compiles one fetch argument, {@code [NAME=]FETCHARG[:TYPE]}, into a {@link FetchArg} as
 * {@code traceprobe_parse_probe_arg} and its helpers in {@code trace_probe.c} do, with the same
 * error codes and caret offsets (relative to the argument's word in the command).
 */
final class FetchArgParser {

    static final int MAX_ARGSTR_LEN = 63;
    static final int MAX_ARRAY_LEN = 64;
    static final int MAX_ARG_NAME_LEN = 32;
    /** Fetch program length; the last slot is a sentinel, so 15 steps at most. */
    static final int FETCH_INSN_MAX = 16;
    static final long PARAM_MAX_STACK = FetchArg.THREAD_SIZE / 8;

    /** Field names an argument may not take: the common fields and the probe's own. */
    private static final Set<String> RESERVED_FIELD_NAMES = Set.of("common_type", "common_flags",
            "common_preempt_count", "common_pid", "common_tgid", "__probe_ip", "__probe_ret_ip", "__probe_func");

    // TPARG_FL_* location flags
    static final int FL_RETURN = 1;
    static final int FL_KERNEL = 2;
    static final int FL_FENTRY = 4;
    private static final int FL_LOC_MASK = 0x1f;

    private FetchArgParser() {
    }

    /** Per-argument parse state ({@code struct traceprobe_parse_context}). */
    static final class Context {
        final int flags;
        final ProbeLog log;
        final List<Integer> entryArgs;
        int offset;

        Context(int flags, ProbeLog log, List<Integer> entryArgs) {
            this.flags = flags;
            this.log = log;
            this.entryArgs = entryArgs;
        }

        ProbeEventException err(int at, ProbeEventError e) {
            return log.err(at, e);
        }
    }

    static boolean isFunctionEntry(int flags) {
        return (flags & FL_LOC_MASK) == (FL_KERNEL | FL_FENTRY);
    }

    static boolean isFunctionReturn(int flags) {
        return (flags & FL_LOC_MASK) == (FL_KERNEL | FL_RETURN);
    }

    /** {@code traceprobe_parse_probe_arg}: {@code [NAME=]FETCHARG[:TYPE]}. */
    static FetchArg parseProbeArg(String arg, int index, List<FetchArg> before, Context ctx)
            throws ProbeEventException {
        int eq = arg.indexOf('=');
        String name;
        String body;
        if (eq >= 0) {
            if (eq > MAX_ARG_NAME_LEN) {
                throw ctx.err(0, ARG_NAME_TOO_LONG);
            } else if (eq == 0) {
                throw ctx.err(0, NO_ARG_NAME);
            }
            name = arg.substring(0, eq);
            body = arg.substring(eq + 1);
        } else {
            name = "arg" + (index + 1);
            body = arg;
        }
        if (!KernelStrings.isGoodName(name)) {
            throw ctx.err(0, BAD_ARG_NAME);
        }
        if (RESERVED_FIELD_NAMES.contains(name) || before.stream().anyMatch(a -> a.name().equals(name))) {
            throw ctx.err(0, USED_ARG_NAME);
        }
        ctx.offset = eq >= 0 ? eq + 1 : 0;
        return parseProbeArgBody(name, body, ctx);
    }

    /** {@code traceprobe_parse_probe_arg_body}. */
    private static FetchArg parseProbeArgBody(String name, String body, Context ctx) throws ProbeEventException {
        if (body.length() > MAX_ARGSTR_LEN) {
            throw ctx.log.err(ctx.offset, ARG_TOO_LONG, Errno.E2BIG);
        } else if (body.isEmpty()) {
            throw ctx.err(ctx.offset, NO_ARG_BODY);
        }
        // split ":TYPE[N]" off (parse_probe_arg_type)
        String expr = body;
        String typeName = null;
        int typeOffset = 0;
        int count = 0;
        int colon = body.indexOf(':');
        if (colon >= 0) {
            expr = body.substring(0, colon);
            typeName = body.substring(colon + 1);
            typeOffset = colon + 1;
            int open = typeName.indexOf('[');
            if (open >= 0) {
                int countAt = typeOffset + open + 1;
                String rest = typeName.substring(open + 1);
                typeName = typeName.substring(0, open);
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw ctx.err(ctx.offset + countAt + rest.length(), ARRAY_NO_CLOSE);
                } else if (close + 1 != rest.length()) {
                    throw ctx.err(ctx.offset + countAt + close + 1, BAD_ARRAY_SUFFIX);
                }
                Long n = KernelStrings.kstrtouint(rest.substring(0, close), 0);
                if (n == null || n == 0) {
                    throw ctx.err(ctx.offset + countAt, BAD_ARRAY_NUM);
                }
                if (n > MAX_ARRAY_LEN) {
                    throw ctx.err(ctx.offset + countAt, ARRAY_TOO_BIG);
                }
                count = n.intValue();
            }
        }
        FetchType type;
        if (expr.equals("$comm") || expr.equals("$COMM") || expr.startsWith("\\\"")) {
            if (count != 0 || (typeName != null && !typeName.equals("string"))) {
                throw ctx.err(ctx.offset + typeOffset, NEED_STRING_TYPE);
            }
            type = FetchType.STRING;
        } else {
            type = FetchType.find(typeName);
        }
        if (type == null) {
            throw ctx.err(ctx.offset + typeOffset, BAD_TYPE);
        }

        FetchInsn[] code = new FetchInsn[FETCH_INSN_MAX];
        for (int i = 0; i < code.length; i++) {
            code[i] = new FetchInsn();
        }
        code[FETCH_INSN_MAX - 1].op = Op.END;
        int pc = parseFetch(expr, code, 0, ctx);
        pc = finalizeFetch(code, pc, type, count, typeName, typeOffset, ctx);
        FetchInsn[] program = new FetchInsn[pc + 1];
        for (int i = 0; i <= pc; i++) {
            program[i] = code[i].copy();
        }
        return new FetchArg(new ProbeArgument(name, body, type.typeName, count), type, count, program);
    }

    /**
     * {@code parse_probe_arg}: compiles {@code arg} from {@code code[pc]} on; returns the index of
     * its last step. Error carets follow {@code ctx.offset}, which dereferences move to their
     * inner argument and (as in the kernel) do not move back.
     */
    private static int parseFetch(String arg, FetchInsn[] code, int pc, Context ctx) throws ProbeEventException {
        final int end = FETCH_INSN_MAX - 1;
        FetchInsn insn = code[pc];
        char c0 = arg.isEmpty() ? 0 : arg.charAt(0);
        switch (c0) {
            case '$':
                parseVar(arg, insn, ctx);
                break;
            case '%': {
                PtRegsField reg = PtRegsField.byName(arg.substring(1));
                if (reg == null) {
                    throw ctx.err(ctx.offset, BAD_REG_NAME);
                }
                insn.op = Op.REG;
                insn.reg = reg;
                break;
            }
            case '@': {
                char c1 = arg.length() > 1 ? arg.charAt(1) : 0;
                if (KernelStrings.isDigit(c1)) {
                    Long addr = KernelStrings.kstrtoul(arg.substring(1), 0);
                    if (addr == null) {
                        throw ctx.err(ctx.offset, BAD_MEM_ADDR);
                    }
                    insn.op = Op.IMM;
                    insn.immediate = addr;
                } else if (c1 == '+') {
                    throw ctx.err(ctx.offset, FILE_ON_KPROBE);
                } else {
                    insn.op = Op.NOP_SYMBOL;
                    insn.data = arg.substring(1);
                    if (++pc == end) {
                        throw ctx.err(ctx.offset, TOO_MANY_OPS);
                    }
                    code[pc].op = Op.IMM;
                    code[pc].immediate = 0;
                }
                if (++pc == end) {
                    throw ctx.err(ctx.offset, TOO_MANY_OPS);
                }
                code[pc].op = Op.DEREF;
                code[pc].offset = 0;
                return pc;
            }
            case '+':
            case '-': {
                Op deref = Op.DEREF;
                String a = arg;
                if (a.length() > 1 && a.charAt(1) == 'u') {
                    deref = Op.UDEREF;
                    a = a.charAt(0) + a.substring(2);
                }
                if (a.charAt(0) == '+') {
                    a = a.substring(1);
                }
                int open = a.indexOf('(');
                if (open < 0) {
                    throw ctx.err(ctx.offset, DEREF_NEED_BRACE);
                }
                Long off = KernelStrings.kstrtol(a.substring(0, open), 0);
                if (off == null) {
                    throw ctx.err(ctx.offset, BAD_DEREF_OFFS);
                }
                // the kernel's caret arithmetic, off by one after "+u"
                ctx.offset += (open + 1) + (open == 0 || a.charAt(0) != '-' ? 1 : 0);
                String inner = a.substring(open + 1);
                int close = inner.lastIndexOf(')');
                if (close < 0) {
                    throw ctx.err(ctx.offset + inner.length(), DEREF_OPEN_BRACE);
                }
                int innerOffset = ctx.offset;
                pc = parseFetch(inner.substring(0, close), code, pc, ctx);
                ctx.offset = innerOffset;
                if (code[pc].op == Op.COMM || code[pc].op == Op.DATA) {
                    throw ctx.err(ctx.offset, COMM_CANT_DEREF);
                }
                if (++pc == end) {
                    throw ctx.err(ctx.offset, TOO_MANY_OPS);
                }
                code[pc].op = deref;
                code[pc].offset = off;
                return pc;
            }
            case '\\':
                if (arg.length() > 1 && arg.charAt(1) == '"') {
                    String str = arg.substring(2);
                    // "\"" alone passes the closing check on its own quote and yields ""
                    if (!str.isEmpty() && str.charAt(str.length() - 1) != '"') {
                        throw ctx.err(ctx.offset + 2 + str.length(), IMMSTR_NO_CLOSE);
                    }
                    insn.op = Op.DATA;
                    insn.data = str.isEmpty() ? "" : str.substring(0, str.length() - 1);
                } else {
                    Long imm = strToImmediate(arg.substring(1));
                    if (imm == null) {
                        throw ctx.err(ctx.offset + 1, BAD_IMM);
                    }
                    insn.op = Op.IMM;
                    insn.immediate = imm;
                }
                break;
            default:
                if (KernelStrings.isAlpha(c0) || c0 == '_') {
                    // a BTF variable name; this kernel has no BTF argument support
                    throw ctx.err(ctx.offset, NOSUP_BTFARG);
                }
                break;
        }
        if (insn.op == Op.NOP) {
            throw ctx.err(ctx.offset, BAD_FETCH_ARG);
        }
        return pc;
    }

    /** {@code parse_probe_vars}: {@code $retval $stack $stackN $comm $argN}. */
    private static void parseVar(String orig, FetchInsn insn, Context ctx) throws ProbeEventException {
        String arg = orig.substring(1);
        if (arg.startsWith("retval")) {
            if ((ctx.flags & FL_RETURN) == 0) {
                throw ctx.err(ctx.offset, RETVAL_ON_PROBE);
            }
            insn.op = Op.RETVAL;
            return;
        }
        if (arg.startsWith("stack")) {
            String rest = arg.substring(5);
            if (rest.isEmpty()) {
                insn.op = Op.STACKP;
                return;
            }
            if (KernelStrings.isDigit(rest.charAt(0))) {
                Long n = KernelStrings.kstrtoul(rest, 10);
                if (n == null) {
                    throw ctx.err(ctx.offset, BAD_VAR);
                }
                if (Long.compareUnsigned(n, PARAM_MAX_STACK) > 0) {
                    throw ctx.err(ctx.offset, BAD_STACK_NUM);
                }
                insn.op = Op.STACK;
                insn.param = n.intValue();
                return;
            }
            throw ctx.err(ctx.offset, BAD_VAR);
        }
        if (arg.equals("comm") || arg.equals("COMM")) {
            insn.op = Op.COMM;
            return;
        }
        if (arg.startsWith("arg")) {
            Long n = KernelStrings.kstrtoul(arg.substring(3), 10);
            if (n == null) {
                throw ctx.err(ctx.offset, BAD_VAR);
            }
            if (n == 0 || Long.compareUnsigned(n, PARAM_MAX_STACK) > 0) {
                throw ctx.err(ctx.offset, BAD_ARG_NUM);
            }
            int param = n.intValue() - 1;
            if (isFunctionEntry(ctx.flags)) {
                insn.op = Op.ARG;
                insn.param = param;
            } else if (isFunctionReturn(ctx.flags)) {
                // read at function entry by the kretprobe's entry handler, one slot per argument
                int slot = ctx.entryArgs.indexOf(param);
                if (slot < 0) {
                    slot = ctx.entryArgs.size();
                    ctx.entryArgs.add(param);
                }
                insn.op = Op.EDATA;
                insn.param = slot;
            } else {
                throw ctx.err(ctx.offset, NOFENTRY_ARGS);
            }
            return;
        }
        throw ctx.err(ctx.offset, BAD_VAR);
    }

    /** {@code str_to_immediate}: a number, or a signed one. */
    private static Long strToImmediate(String s) {
        char c = s.isEmpty() ? 0 : s.charAt(0);
        if (KernelStrings.isDigit(c)) {
            return KernelStrings.kstrtoul(s, 0);
        } else if (c == '-') {
            return KernelStrings.kstrtol(s, 0);
        } else if (c == '+') {
            return KernelStrings.kstrtol(s.substring(1), 0);
        }
        return null;
    }

    /** {@code finalize_fetch_insn}: adds the store, bitfield and array steps; returns the END index. */
    private static int finalizeFetch(FetchInsn[] code, int pc, FetchType type, int count, String typeName,
            int typeOffset, Context ctx) throws ProbeEventException {
        Op last = code[pc].op;
        if (type.isString()) {
            if (type == FetchType.SYMSTR) {
                if (last != Op.REG && last != Op.STACK && last != Op.RETVAL && last != Op.ARG && last != Op.DEREF) {
                    throw ctx.err(ctx.offset + typeOffset, BAD_SYMSTRING);
                }
            } else if (last != Op.DEREF && last != Op.UDEREF && last != Op.IMM && last != Op.COMM && last != Op.DATA) {
                throw ctx.err(ctx.offset + typeOffset, BAD_STRING);
            }
            if (type == FetchType.SYMSTR || last == Op.IMM || last == Op.COMM || last == Op.DATA || count != 0) {
                // keep the value (or the pointer array) and store after it
                pc++;
                if (code[pc].op != Op.NOP) {
                    throw ctx.err(ctx.offset, TOO_MANY_OPS);
                }
            }
            if (type == FetchType.USTRING || code[pc].op == Op.UDEREF) {
                code[pc].op = Op.ST_USTRING;
            } else if (type == FetchType.SYMSTR) {
                code[pc].op = Op.ST_SYMSTR;
            } else {
                code[pc].op = Op.ST_STRING;
            }
            code[pc].size = type.size;
        } else if (last == Op.DEREF) {
            code[pc].op = Op.ST_MEM;
            code[pc].size = type.size;
        } else if (last == Op.UDEREF) {
            code[pc].op = Op.ST_UMEM;
            code[pc].size = type.size;
        } else {
            pc++;
            if (code[pc].op != Op.NOP) {
                throw ctx.log.err(ctx.offset, TOO_MANY_OPS, Errno.E2BIG);
            }
            code[pc].op = Op.ST_RAW;
            code[pc].size = type.size;
        }
        int store = pc;
        if (typeName != null && typeName.startsWith("b")) {
            pc = parseBitfield(code, pc, typeName, type, ctx, typeOffset);
        }
        if (count != 0) {
            Op s = code[store].op;
            if (s != Op.ST_MEM && s != Op.ST_STRING && s != Op.ST_USTRING) {
                throw ctx.err(ctx.offset + typeOffset, BAD_STRING);
            }
            pc++;
            if (code[pc].op != Op.NOP) {
                throw ctx.log.err(ctx.offset, TOO_MANY_OPS, Errno.E2BIG);
            }
            code[pc].op = Op.LP_ARRAY;
            code[pc].param = count;
        }
        pc++;
        code[pc].op = Op.END;
        return pc;
    }

    /** {@code __parse_bitfield_probe_arg}: {@code b<width>@<offset>/<container>}. */
    private static int parseBitfield(FetchInsn[] code, int pc, String bf, FetchType type, Context ctx,
            int typeOffset) throws ProbeEventException {
        long[] w = KernelStrings.simpleStrtoul(bf, 1, 0);
        long width = w[0];
        int tail = (int) w[1];
        if (width == 0 || tail >= bf.length() || bf.charAt(tail) != '@') {
            throw ctx.err(ctx.offset + typeOffset, BAD_BITFIELD);
        }
        long[] o = KernelStrings.simpleStrtoul(bf, tail + 1, 0);
        long offset = o[0];
        int oTail = (int) o[1];
        if (oTail == tail + 1 || oTail >= bf.length() || bf.charAt(oTail) != '/') {
            throw ctx.err(ctx.offset + typeOffset, BAD_BITFIELD);
        }
        pc++;
        if (code[pc].op != Op.NOP) {
            throw ctx.err(ctx.offset + typeOffset, BAD_BITFIELD);
        }
        int bits = type.size * 8;
        if (Long.compareUnsigned(bits, width + offset) < 0 || width + offset < 0) {
            throw ctx.err(ctx.offset + typeOffset, BAD_BITFIELD);
        }
        code[pc].op = Op.MOD_BF;
        code[pc].lshift = (int) (bits - (width + offset));
        code[pc].rshift = (int) (bits - width);
        code[pc].size = type.size;
        return pc;
    }
}
