package io.kprobelab.x86;

import io.kprobelab.x86.internal.Ops;

/**
 * Formats decoded instructions in Intel syntax exactly as {@code objdump -d -M intel} (binutils
 * 2.40) prints its instruction column: unused prefixes by name ({@code data16}, {@code rex.W},
 * {@code repz}, {@code cs}, ...), the mnemonic padded to 6 columns plus one space, operands in
 * Intel order, {@code BYTE/WORD/DWORD/QWORD PTR} sizes, hexadecimal immediates and
 * displacements, branch targets as addresses and RIP-relative operands with a
 * {@code # <target>} comment.
 *
 * <p>Covered: the whole one-byte map with x87 (D8..DF, also with the FWAIT objdump merges into
 * it: {@code finit}, {@code fstenv}...), the integer and system instructions of the 0F and 0F38
 * maps, the legacy-encoded MMX/SSE..SSE4.2 forms of the 0F, 0F38 and 0F3A maps, and the
 * VEX-encoded instructions (AVX, AVX2, FMA, BMI...) (see {@link #isCovered(Insn)}). Other
 * instructions (EVEX, XOP, 3DNow!, MPX) are printed as {@code .insn} followed by their bytes;
 * their length and validity are still exact.
 */
public final class Formatter {

    private Formatter() {
    }

    /** Formats with no symbols: addresses print as {@code 0x1d} (objdump {@code -b binary}). */
    public static String format(Insn insn) {
        return format(insn, Symbolizer.NONE);
    }

    /**
     * Formats an instruction; with a symbol for a branch target or RIP-relative address, the
     * address prints as objdump does for a symbolized image: {@code 401020 <foo+0x10>}.
     */
    public static String format(Insn insn, Symbolizer symbols) {
        return new ObjdumpText.Run(insn, symbols == null ? Symbolizer.NONE : symbols).format();
    }

    /**
     * True when the formatter knows the instruction's mnemonic (the objdump text is reproduced);
     * false for forms it prints as {@code .insn}. INVALID instructions count as covered when the
     * table decides that they are invalid.
     */
    public static boolean isCovered(Insn insn) {
        ObjdumpText.Run r = new ObjdumpText.Run(insn, Symbolizer.NONE);
        r.format();
        return r.covered;
    }

    /**
     * objdump's verdict on an instruction decoded by {@link Decoder#decodeListing}: true when
     * objdump prints {@code (bad)} for it.
     */
    public static boolean isBad(Insn insn) {
        return insn.status() == Insn.Status.INVALID || format(insn).contains("(bad)");
    }

    /**
     * One listing line: {@code ffffffff81000000 <sys_mkdir+0x0>: 55                   push   rbp}.
     * The address is lower-case hex without {@code 0x}; the symbol part is left out when
     * {@code symbols} names nothing; the bytes column is 20 characters wide (7 bytes) and longer
     * instructions simply widen it, as with {@code objdump -w}.
     */
    public static String line(Insn insn, Symbolizer symbols) {
        StringBuilder sb = new StringBuilder();
        sb.append(Long.toHexString(insn.address()));
        String sym = symbols == null ? null : symbols.symbolize(insn.address());
        if (sym != null) {
            sb.append(" <").append(sym).append(sym.contains("+") ? "" : "+0x0").append('>');
        }
        sb.append(": ");
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < insn.length(); i++) {
            hex.append(String.format("%02x ", insn.byteAt(i)));
        }
        while (hex.length() < 21) hex.append(' ');
        sb.append(hex);
        sb.append(insn.status() == Insn.Status.TRUNCATED ? "(truncated)" : format(insn, symbols));
        return sb.toString();
    }

    /** Verdict kinds, stored in {@code Insn.badKind}. */
    static final int BAD_NONE = 0, BAD_TABLE = 1, BAD_OPERAND = 2, BAD_PREFIX = 3, BAD_MEASURED = 4;

    /**
     * The table verdict for a structurally complete legacy instruction: {@link #BAD_NONE} when
     * valid or not described by the tables, else how objdump rejects it.
     */
    static int verdict(Insn insn) {
        // fast path: the table lookup decides, without formatting anything
        Ops.Entry e = Ops.entry(insn.map, insn.opcode);
        if (e == null || insn.encoding != Insn.ENC_LEGACY) return BAD_NONE;
        boolean mem = insn.mod != 3;
        int reg = insn.reg & 7;
        int rm = insn.rm & 7;
        boolean rip = insn.ripRelative;
        Ops.Form f;
        if (e.hasVariantFor(reg, mem, rm, rip)) {
            int pv = 0;
            if (insn.lastRepPrefix != 0) {
                pv = insn.lastRepPrefix == 0xF3 ? 1 : 3;
                if (e.find(pv, reg, mem, rm, rip) == null && (e.ignoredRepMask & (1 << pv)) != 0) pv = 0;
            }
            if (pv == 0 && insn.has(Insn.PFX_OPSIZE)) pv = 2;
            f = e.find(pv, reg, mem, rm, rip);
        } else {
            f = e.find(4, reg, mem, rm, rip);
        }
        if (f == null || f.invalid) return BAD_TABLE;
        if (f.prefixOpcode) return slowVerdict(insn);
        if (!mem) {
            for (String op : f.operands) {
                if (op.charAt(0) == 'M' && !op.equals("MONITOR") && !op.equals("MWAIT")) return BAD_OPERAND;
            }
        }
        return BAD_NONE;
    }

    private static int slowVerdict(Insn insn) {
        ObjdumpText.Run r = new ObjdumpText.Run(insn, Symbolizer.NONE);
        try {
            r.format();
        } catch (RuntimeException e) {
            // a table bug must not make the decoder throw: treat the form as not described
            return BAD_NONE;
        }
        return r.badKind;
    }
}
