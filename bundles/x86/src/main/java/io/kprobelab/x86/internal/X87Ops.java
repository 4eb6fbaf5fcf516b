package io.kprobelab.x86.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Text of the x87 escape opcodes D8-DF (SDM Vol. 2 Appendix A.4, Tables ), in
 * {@link Ops}'s line format, as {@code objdump -M intel} prints them.
 *
 * <p>Kept apart from {@link Ops} for the same reason as {@link VectorOps}: the decoder's
 * {@code (bad)} verdicts for these opcodes come from the measured tables, and this table is read
 * by the formatter only, for instructions the decoder found valid.
 *
 * <p>Operand codes added for these forms: {@code ST} the stack top {@code st}; {@code STi}
 * {@code st(i)} from ModRM.rm (REX.B is not used: it prints as {@code rex.B}); {@code Mt} TBYTE
 * memory; {@code AXw} the {@code ax} of FNSTSW. Mnemonic macros: {@code %N} is the {@code n} of
 * the no-wait forms, which objdump drops when it merges a preceding FWAIT into the instruction
 * ({@code fwait; fninit} prints as {@code finit}); {@code %S} appends {@code w} when a 0x66
 * prefix selects the 16-bit environment format (REX.W does not cancel it).
 */
public final class X87Ops {

    private X87Ops() {
    }

    private static final Ops.Entry[][] MAPS;

    /** The entry of x87 escape {@code opcode} (0xD8-0xDF), or null. */
    public static Ops.Entry entry(int opcode) {
        return opcode >= 0xd8 && opcode <= 0xdf ? MAPS[0][opcode] : null;
    }

    private static void row(List<String> l, int op, String kind, String operands, String... mnemonics) {
        for (int reg = 0; reg < 8; reg++) {
            if (mnemonics[reg] != null) {
                l.add(Integer.toHexString(op) + "/" + reg + ":" + kind + " " + mnemonics[reg] + " " + operands);
            }
        }
    }

    /** The eight forms of /reg with a register ModRM whose text depends on ModRM.rm (null: bad). */
    private static void rmRow(List<String> l, int op, int reg, String... mnemonics) {
        for (int rm = 0; rm < 8; rm++) {
            if (mnemonics[rm] != null) {
                l.add(Integer.toHexString(op) + "/" + reg + ":r:rm" + rm + " " + mnemonics[rm]);
            }
        }
    }

    static {
        List<String> l = new ArrayList<>();
        String[] arith = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
        String[] iarith = {"fiadd", "fimul", "ficom", "ficomp", "fisub", "fisubr", "fidiv", "fidivr"};
        // memory forms: m32fp, m32int, m64fp, m16int, environments and control words
        row(l, 0xd8, "m", "Md", arith);
        row(l, 0xd9, "m", "Md", "fld", null, "fst", "fstp", null, null, null, null);
        row(l, 0xd9, "m", "M", null, null, null, null, "fldenv%S", null, "f%Nstenv%S", null);
        row(l, 0xd9, "m", "Mw", null, null, null, null, null, "fldcw", null, "f%Nstcw");
        row(l, 0xda, "m", "Md", iarith);
        row(l, 0xdb, "m", "Md", "fild", "fisttp", "fist", "fistp", null, null, null, null);
        row(l, 0xdb, "m", "Mt", null, null, null, null, null, "fld", null, "fstp");
        row(l, 0xdc, "m", "Mq", arith);
        row(l, 0xdd, "m", "Mq", "fld", "fisttp", "fst", "fstp", null, null, null, null);
        row(l, 0xdd, "m", "M", null, null, null, null, "frstor%S", null, "f%Nsave%S", null);
        row(l, 0xdd, "m", "Mw", null, null, null, null, null, null, null, "f%Nstsw");
        row(l, 0xde, "m", "Mw", iarith);
        row(l, 0xdf, "m", "Mw", "fild", "fisttp", "fist", "fistp", null, null, null, null);
        row(l, 0xdf, "m", "Mt", null, null, null, null, "fbld", null, "fbstp", null);
        row(l, 0xdf, "m", "Mq", null, null, null, null, null, "fild", null, "fistp");
        // register forms
        row(l, 0xd8, "r", "ST,STi", "fadd", "fmul", null, null, "fsub", "fsubr", "fdiv", "fdivr");
        row(l, 0xd8, "r", "STi", null, null, "fcom", "fcomp", null, null, null, null);
        row(l, 0xd9, "r", "STi", "fld", "fxch", null, null, null, null, null, null);
        rmRow(l, 0xd9, 2, "fnop", null, null, null, null, null, null, null);
        rmRow(l, 0xd9, 4, "fchs", "fabs", null, null, "ftst", "fxam", null, null);
        rmRow(l, 0xd9, 5, "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", null);
        rmRow(l, 0xd9, 6, "f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp");
        rmRow(l, 0xd9, 7, "fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos");
        row(l, 0xda, "r", "ST,STi", "fcmovb", "fcmove", "fcmovbe", "fcmovu", null, null, null, null);
        rmRow(l, 0xda, 5, null, "fucompp", null, null, null, null, null, null);
        row(l, 0xdb, "r", "ST,STi", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu", null, "fucomi", "fcomi", null);
        rmRow(l, 0xdb, 4, "f%Neni(8087_only)", "f%Ndisi(8087_only)", "f%Nclex", "f%Ninit", "f%Nsetpm(287_only)",
                "frstpm(287_only)", null, null);
        row(l, 0xdc, "r", "STi,ST", "fadd", "fmul", null, null, "fsubr", "fsub", "fdivr", "fdiv");
        row(l, 0xdd, "r", "STi", "ffree", null, "fst", "fstp", "fucom", "fucomp", null, null);
        row(l, 0xde, "r", "STi,ST", "faddp", "fmulp", null, null, "fsubrp", "fsubp", "fdivrp", "fdivp");
        rmRow(l, 0xde, 3, null, "fcompp", null, null, null, null, null, null);
        row(l, 0xdf, "r", "STi", "ffreep", null, null, null, null, null, null, null);
        rmRow(l, 0xdf, 4, "f%Nstsw AXw", null, null, null, null, null, null, null);
        row(l, 0xdf, "r", "ST,STi", null, null, null, null, null, "fucomip", "fcomip", null);
        MAPS = Ops.build(l.toArray(new String[0]));
    }
}
