package io.kprobelab.x86;

import io.kprobelab.x86.internal.Ops;
import io.kprobelab.x86.internal.VectorOps;
import io.kprobelab.x86.internal.X87Ops;
import io.kprobelab.x86.internal.VexOps;

/**
 * How objdump ({@code i386-dis.c}, binutils 2.40) turns one decoded instruction into its Intel
 * text, as {@link Formatter} needs it: register and segment names, the prefixes it names or
 * marks used, operand sizes, and one {@link Run} of per-instruction state. Behaviour measured by
 * running objdump (bundles/x86/README.md); no binutils code or table is used.
 */
final class ObjdumpText {

    private ObjdumpText() {
    }

// ---------------------------------------------------------------------------------------

private static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10",
    "r11", "r12", "r13", "r14", "r15"};
private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d",
    "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w",
    "r11w", "r12w", "r13w", "r14w", "r15w"};
private static final String[] R8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
private static final String[] R8REX = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b",
    "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
private static final String[] SEG = {"es", "cs", "ss", "ds", "fs", "gs", "?", "?"};
private static final String[] REX_NAMES = {"rex", "rex.B", "rex.X", "rex.XB", "rex.R", "rex.RB", "rex.RX",
    "rex.RXB", "rex.W", "rex.WB", "rex.WX", "rex.WXB", "rex.WR", "rex.WRB", "rex.WRX", "rex.WRXB"};

/** The cmpps/cmppd/cmpss/cmpsd predicates objdump prints as part of the mnemonic. */
private static final String[] CMP_PREDICATES = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord", "eq_uq",
    "nge", "ngt", "false", "neq_oq", "ge", "gt", "true", "eq_os", "lt_oq", "le_oq", "unord_s", "neq_us", "nlt_uq",
    "nle_uq", "ord_s", "eq_us", "nge_uq", "ngt_uq", "false_os", "neq_os", "ge_oq", "gt_oq", "true_us"};

/** VEX.pp to the prefix-variant index of the tables (none, 66, F3, F2 are 0, 2, 1, 3). */
private static final int[] PP_VARIANT = {0, 2, 1, 3};

// used-prefix bits
private static final int U_DATA = 1, U_ADDR = 2, U_SEG = 4;
private static final int REX_B = 1, REX_X = 2, REX_R = 4, REX_W = 8, REX_OPCODE = 0x40;

// pseudo prefix codes in the prefix list
private static final int P_REP = 0x101, P_XACQUIRE = 0x102, P_XRELEASE = 0x103, P_BND = 0x104,
        P_NOTRACK = 0x105;

/** One formatting run: objdump's per-instruction state. */
static final class Run {
    final Insn d;
    final Symbolizer sym;
    final int[] all = new int[16];
    int nAll;
    int lastRepz = -1, lastRepnz = -1, lastData = -1, lastAddr = -1, lastSeg = -1, lastRex = -1;
    boolean pRepz, pRepnz, pLock, pData, pAddr, pSegAny, pDs;
    int activeSeg = -1;         // SEG_FS/SEG_GS (or DS set by string operands)
    int used;
    int rex, rexUsed;
    boolean dflag, aflag;
    boolean covered = true;
    boolean badOp;
    String mnemonic;
    final String[] out = new String[5];
    int nOut;
    long ripTarget;
    boolean hasRip;

    Run(Insn d, Symbolizer sym) {
        this.d = d;
        this.sym = sym;
    }

    String format() {
        if (d.prefixOnly) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < d.length; i++) {
                if (i > 0) sb.append(' ');
                sb.append(prefixName(d.byteAt(i)));
            }
            return sb.toString();
        }
        scanPrefixes();
        if (d.status == Insn.Status.INVALID && d.badKind == 0) {
            // a malformed VEX/EVEX/XOP escape, or an FWAIT merged with an invalid x87 form:
            // objdump's text around the (bad) (prefix names, EVEX {kN}{z}, x87 operands) is
            // not modelled
            if (d.encoding != Insn.ENC_LEGACY || d.fwait) covered = false;
            return finishBad();
        }
        if (d.status == Insn.Status.INVALID && d.badKind == Formatter.BAD_MEASURED) {
            // measured verdict (Validity): objdump's text around the (bad) is not modelled
            covered = false;
            return finishBad();
        }
        if (d.status == Insn.Status.TRUNCATED) {
            covered = false;
            return "(truncated)";
        }
        if (d.encoding == Insn.ENC_VEX && !d.fwait) {
            Ops.Entry v = VexOps.entry(d.map, d.opcode);
            if (v != null) return formatVex(v);
        }
        if (d.encoding == Insn.ENC_LEGACY && d.map == 0 && d.opcode >= 0xD8 && d.opcode <= 0xDF) {
            // x87, also with an FWAIT objdump merged into it (d.fwait: the %N macro drops the n)
            Ops.Entry x = X87Ops.entry(d.opcode);
            boolean mem = d.mod != 3;
            return finishVector(x == null ? null : x.find(4, d.reg & 7, mem, d.rm & 7, d.ripRelative));
        }
        if (d.encoding != Insn.ENC_LEGACY || d.fwait || (d.map == 0 && d.opcode == 0x9B)) {
            if (d.map == 0 && d.opcode == 0x9B && !d.fwait) {
                mnemonic = "fwait";
                return assemble(false);
            }
            covered = false;
            return insnBytes();
        }
        Ops.Entry e = Ops.entry(d.map, d.opcode);
        if (e == null) {
            Ops.Entry v = VectorOps.entry(d.map, d.opcode);
            if (v != null) return formatVector(v);
            covered = false;
            return insnBytes();
        }
        int pv = 0;
        int pvPrefix = 0;
        int pvIndex = -1;
        boolean mem = d.mod != 3;
        boolean rip = d.ripRelative;
        boolean variants = e.hasVariantFor(d.reg & 7, mem, d.rm & 7, rip);
        Ops.Form f = variants ? null : e.find(4, d.reg & 7, mem, d.rm & 7, rip);
        if (variants) {
            if (pRepz || pRepnz) {
                if (lastRepz > lastRepnz) {
                    pv = 1;
                    pvIndex = lastRepz;
                    pvPrefix = 0xF3;
                } else {
                    pv = 3;
                    pvIndex = lastRepnz;
                    pvPrefix = 0xF2;
                }
                if (e.find(pv, d.reg & 7, mem, d.rm & 7, rip) == null && (e.ignoredRepMask & (1 << pv)) != 0) {
                    pv = 0;
                }
            }
            if (pv == 0 && pData) {
                pv = 2;
                pvIndex = lastData;
                pvPrefix = 0x66;
            }
            if (pv != 0) {
                if (pvPrefix == 0x66) used |= U_DATA;
                else if (pvPrefix == 0xF3) usedRepz = true;
                else usedRepnz = true;
                all[pvIndex] = 0;
            }
            f = e.find(pv, d.reg & 7, mem, d.rm & 7, rip);

        }
        if (f == null || f.invalid) {
            badKind = Formatter.BAD_TABLE;
            return finishBad();
        }
        mnemonic = f.mnemonic;
        // operands
        String mn = expandMnemonic(f.mnemonic);
        for (String op : f.operands) {
            String s = operand(op);
            if (badOp) {
                // objdump's BadOp: the operand prints "(bad)", the instruction ends after the
                // prefixes and the first opcode byte
                badKind = Formatter.BAD_OPERAND;
                badOp = false;
                s = "(bad)";
            }
            if (s != null) out[nOut++] = s;
        }
        mnemonic = mnemonicOverride != null ? mnemonicOverride : mn;
        if (f.prefixIgnored) {
            // objdump reinstates 66/F3/F2 that only selected the form: they print as prefixes
            used &= ~U_DATA;
            usedRepz = usedRepnz = false;
            if (lastData >= 0) all[lastData] = 0x66;
            if (lastRepz >= 0) all[lastRepz] = 0xF3;
            if (lastRepnz >= 0) all[lastRepnz] = 0xF2;
        }
        if (f.prefixOpcode) {
            if (((pRepz || pRepnz) && !usedRepz && !usedRepnz)
                    || (pData && !pRepz && !pRepnz && (used & U_DATA) == 0)) {
                badKind = Formatter.BAD_PREFIX;
                return "(bad)";
            }
        }
        return assemble(true);
    }

    boolean usedRepz, usedRepnz;
    int badKind;

    /**
     * A VEX instruction of {@link VexOps}: VEX.pp is the mandatory prefix, the register
     * extensions and W come from the VEX bytes (no REX can precede it), L sizes the vector.
     */
    String formatVex(Ops.Entry e) {
        vex = true;
        rex = d.vexRex;
        boolean mem = d.mod != 3;
        boolean rip = d.ripRelative;
        int reg = d.reg & 7;
        int rm = d.rm & 7;
        Ops.Form f = e.hasVariantFor(reg, mem, rm, rip) ? e.find(PP_VARIANT[d.vexPp], reg, mem, rm, rip)
                : e.find(4, reg, mem, rm, rip);
        return finishVector(f);
    }

    boolean vex;
    /** VSIB memory operand: 0 none, else the index registers' width in bits (128/256). */
    int vsib;

    /**
     * An instruction of {@link VectorOps}: the decoder has judged it (from the measured
     * tables), so only the text is chosen here. The mandatory prefix is picked as for the
     * {@link Ops} forms (the last F3/F2, else 66); when the table has no form for it, the
     * prefix did not select anything (objdump ignores it) and prints by name.
     */
    String formatVector(Ops.Entry e) {
        boolean mem = d.mod != 3;
        boolean rip = d.ripRelative;
        int reg = d.reg & 7;
        int rm = d.rm & 7;
        Ops.Form f;
        if (e.hasVariantFor(reg, mem, rm, rip)) {
            int pv = 0;
            int pvIndex = -1;
            if (pRepz || pRepnz) {
                pv = lastRepz > lastRepnz ? 1 : 3;
                pvIndex = pv == 1 ? lastRepz : lastRepnz;
                if (e.find(pv, reg, mem, rm, rip) == null) pv = 0;
            }
            if (pv == 0 && pData && e.find(2, reg, mem, rm, rip) != null) {
                pv = 2;
                pvIndex = lastData;
            }
            if (pv == 2) used |= U_DATA;
            else if (pv == 1) usedRepz = true;
            else if (pv == 3) usedRepnz = true;
            if (pv != 0) all[pvIndex] = 0;
            f = e.find(pv, reg, mem, rm, rip);
        } else {
            f = e.find(4, reg, mem, rm, rip);
        }
        return finishVector(f);
    }

    String finishVector(Ops.Form f) {
        if (f == null || f.invalid || d.status != Insn.Status.OK) {
            covered = false;
            return insnBytes();
        }
        String mn = expandMnemonic(f.mnemonic);
        for (String op : f.operands) {
            String s = operand(op);
            if (s != null) out[nOut++] = s;
        }
        if (badOp) {
            // a register where the table wants memory: the decoder would have said INVALID
            covered = false;
            return insnBytes();
        }
        mnemonic = mn;
        return assemble(true);
    }

    /** objdump {@code .insn}-like stand-in for forms the tables do not describe. */
    String insnBytes() {
        StringBuilder sb = new StringBuilder(".insn");
        for (int i = 0; i < d.length; i++) sb.append(i == 0 ? " " : ",").append(String.format("0x%02x", d.byteAt(i)));
        return sb.toString();
    }

    void scanPrefixes() {
        int n = d.prefixCount;
        int start = d.fwait ? 0 : 0;
        for (int i = start; i < n && i < d.length; i++) {
            int b = d.byteAt(i);
            if (b == 0x9B) continue;
            switch (b) {
                case 0xF3: pRepz = true; lastRepz = nAll; break;
                case 0xF2: pRepnz = true; lastRepnz = nAll; break;
                case 0xF0: pLock = true; break;
                case 0x66: pData = true; lastData = nAll; break;
                case 0x67: pAddr = true; lastAddr = nAll; break;
                case 0x2E: case 0x36: case 0x26:
                    pSegAny = true; lastSeg = nAll; break;
                case 0x3E: pSegAny = true; pDs = true; lastSeg = nAll; break;
                case 0x64: pSegAny = true; lastSeg = nAll; activeSeg = Insn.SEG_FS; break;
                case 0x65: pSegAny = true; lastSeg = nAll; activeSeg = Insn.SEG_GS; break;
                default:
                    if (b >= 0x40 && b <= 0x4F) lastRex = nAll;
                    break;
            }
            all[nAll++] = b;
        }
        rex = d.rex;
        dflag = !pData;
        aflag = !pAddr;
    }

    String finishBad() {
        mnemonic = "(bad)";
        nOut = 0;
        return assemble(false);
    }

    String finishBadOp() {
        // objdump's BadOp: prefixes and the first opcode byte are thrown away
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nAll; i++) {
            if (all[i] != 0) sb.append(prefixName(all[i])).append(' ');
        }
        return sb.append("(bad)").toString();
    }

    String assemble(boolean finishPrefixes) {
        if (finishPrefixes) {
            if (rex != 0 && (rex ^ rexUsed) == 0 && lastRex >= 0) all[lastRex] = 0;
            if (pSegAny && activeSeg >= 0 && (used & U_SEG) != 0) all[lastSeg] = 0;
            if (pAddr && (used & U_ADDR) != 0) all[lastAddr] = 0;
            if (pData && (used & U_DATA) != 0) all[lastData] = 0;
        }
        StringBuilder sb = new StringBuilder();
        int plen = 0;
        for (int i = 0; i < nAll; i++) {
            if (all[i] != 0) {
                String n = prefixName(all[i]);
                sb.append(n).append(' ');
                plen += n.length() + 1;
            }
        }
        sb.append(mnemonic);
        if (nOut > 0) {
            int i = mnemonic.length() + plen;
            int pad = i < 7 ? 7 - i : 1;
            for (int k = 0; k < pad; k++) sb.append(' ');
            for (int k = 0; k < nOut; k++) {
                if (k > 0) sb.append(',');
                sb.append(out[k]);
            }
        }
        if (hasRip) {
            sb.append("        # ").append(address(ripTarget));
        }
        return sb.toString();
    }

    String prefixName(int p) {
        switch (p) {
            case 0xF3: return "repz";
            case 0xF2: return "repnz";
            case 0xF0: return "lock";
            case 0x2E: return "cs";
            case 0x36: return "ss";
            case 0x3E: return "ds";
            case 0x26: return "es";
            case 0x64: return "fs";
            case 0x65: return "gs";
            case 0x66: return "data16";
            case 0x67: return "addr32";
            case 0x9B: return "fwait";
            case P_REP: return "rep";
            case P_XACQUIRE: return "xacquire";
            case P_XRELEASE: return "xrelease";
            case P_BND: return "bnd";
            case P_NOTRACK: return "notrack";
            default:
                if (p >= 0x40 && p <= 0x4F) return REX_NAMES[p - 0x40];
                return "?";
        }
    }

    void usedRex(int bit) {
        if (bit != 0) {
            if ((rex & bit) != 0) rexUsed |= bit | REX_OPCODE;
        } else {
            rexUsed |= REX_OPCODE;
        }
    }

    boolean w() {
        return (rex & REX_W) != 0;
    }

    // ------------------------------------------------------------------ mnemonic macros

    String expandMnemonic(String t) {
        if (t.indexOf('%') < 0 && t.indexOf('{') < 0 && t.indexOf('[') < 0 && t.indexOf('(') < 0) return t;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c == '[' || c == '(') && t.indexOf('|', i) > i && t.indexOf('|', i) < t.indexOf(c == '[' ? ']' : ')', i)) {
                // VEX.W ([a|b]) or VEX.L ((a|b)) picks one of two spellings
                int end = t.indexOf(c == '[' ? ']' : ')', i);
                String[] alt = t.substring(i + 1, end).split("\\|");
                boolean second = c == '[' ? w() : d.vexL != 0;
                if (c == '[') usedRex(REX_W);
                sb.append(alt[second ? 1 : 0]);
                i = end;
                continue;
            }
            if (c == '{') {
                int end = t.indexOf('}', i);
                String[] alt = t.substring(i + 1, end).split("\\|");
                usedRex(REX_W);
                if (w()) sb.append(alt[2]);
                else {
                    sb.append(dflag ? alt[1] : alt[0]);
                    used |= pData ? U_DATA : 0;
                }
                i = end;
                continue;
            }
            if (c != '%') {
                sb.append(c);
                continue;
            }
            char m = t.charAt(++i);
            switch (m) {
                case 'T':
                    macroT(sb);
                    break;
                case 'P':
                    if (d.mod != 3 || !d.hasModrm) macroT(sb);
                    break;
                case '@':
                    if (!(w() || !pData)) macroT(sb);
                    break;
                case 'L':
                    if (pData || w()) {
                        usedRex(REX_W);
                        if (w()) sb.append('q');
                        else {
                            sb.append(dflag ? 'd' : 'w');
                            used |= pData ? U_DATA : 0;
                        }
                    }
                    break;
                case '6':
                    usedRex(REX_W);
                    if (w()) sb.append("64");
                    break;
                case 'Q':
                    usedRex(REX_W);
                    sb.append(w() ? 'q' : 'd');
                    break;
                case 'K':
                    usedRex(REX_W);
                    sb.append(w() ? 'q' : 'd');
                    break;
                case 'E':
                    sb.append(aflag ? 'r' : 'e');
                    used |= pAddr ? U_ADDR : 0;
                    break;
                case 'V':
                    if (w()) sb.append("abs");
                    break;
                case 'N':
                    // the n of the x87 no-wait forms, gone when objdump merged an FWAIT into them
                    if (!d.fwait) sb.append('n');
                    break;
                case 'S':
                    // FNSTENV/FLDENV/FNSAVE/FRSTOR: a 0x66 selects the 16-bit format, whatever REX.W says
                    if (pData) {
                        sb.append('w');
                        used |= U_DATA;
                    }
                    break;
                case 'A':
                    if (!pAddr) sb.append("abs");
                    break;
                case 'C':
                    // cmpps/cmppd/cmpss/cmpsd: a predicate objdump has a name for
                    if ((d.imm & 0xff) < predicates()) sb.append(CMP_PREDICATES[(int) d.imm & 0xff]);
                    break;
                case 'X': {
                    String h = clmulHalves();
                    sb.append(h != null ? h : "q");
                    break;
                }
                case 'v':
                    sb.append("{vex} ");
                    break;
                case 'w':
                    usedRex(REX_W);
                    if (w()) sb.append('q');
                    break;
                case '8':
                    usedRex(REX_W);
                    sb.append(w() ? "16b" : "8b");
                    break;
                case '^':
                    // far call/jmp: no suffix in Intel syntax with the default (AMD64) ISA
                    break;
                default:
                    break;
            }
        }
        return sb.toString();
    }

    void macroT(StringBuilder sb) {
        if (!w() && pData) {
            sb.append(dflag ? 'd' : 'w');
            used |= U_DATA;
        }
    }

    // ------------------------------------------------------------------ operands

    static final int B = 1, W = 2, D = 3, Q = 4, V = 5, DQ = 6, STACKV = 7, INDIRV = 8, M = 9, MOVSXD = 10,
            F = 11, NONE = 0, Z = 12, X = 13, O = 14, Y = 15, T = 16;

    String operand(String op) {
        switch (op) {
            case "Eb": return opE(B, 0);
            case "Ebh1": return opE(B, 1);
            case "Ebh2": return opE(B, 2);
            case "Ebh3": return opE(B, 3);
            case "Ev": return opE(V, 0);
            case "Evh1": return opE(V, 1);
            case "Evh2": return opE(V, 2);
            case "Evh3": return opE(V, 3);
            case "Ew": return opE(W, 0);
            case "Edx": return opE(MOVSXD, 0);
            case "Esv": return opE(STACKV, 0);
            case "Eiv": return opE(INDIRV, 0);
            case "Gb": return reg(d.reg & 7, REX_R, B);
            case "Gv": return reg(d.reg & 7, REX_R, V);
            case "Gdq": return reg(d.reg & 7, REX_R, DQ);
            case "Edq": return opE(DQ, 0);
            case "Eva": {
                // register named by the address size (umonitor)
                int r = (d.modrm & 7) + ((rex & REX_B) != 0 ? 8 : 0);
                usedRex(REX_B);
                if (pAddr) {
                    all[lastAddr] = 0;
                    used |= U_ADDR;
                    return R32[r];
                }
                return R64[r];
            }
            case "Mv": return opM(V);
            case "M": return opM(NONE);
            case "Mb": return opM(B);
            case "Mw": return opM(W);
            case "Md": return opM(D);
            case "Mq": return opM(Q);
            case "Mp": return opM(F);
            case "Sv":
                return d.mod == 3 ? opE(V, 0) : opE(W, 0);
            case "Sw": return SEG[d.modrm >> 3 & 7];
            case "Rm": return reg(d.modrm & 7, REX_B, M);
            case "Cm": {
                int add = 0;
                if ((rex & REX_R) != 0) {
                    usedRex(REX_R);
                    add = 8;
                }
                return "cr" + ((d.modrm >> 3 & 7) + add);
            }
            case "Dm": {
                usedRex(REX_R);
                return "dr" + ((d.modrm >> 3 & 7) + ((rex & REX_R) != 0 ? 8 : 0));
            }
            case "ST": return "st";
            case "STi": return "st(" + (d.modrm & 7) + ")";
            case "AXw": return "ax";
            case "Mt": return opM(T);
            case "AL": return "al";
            case "CL": return "cl";
            case "DX": return "dx";
            case "ALr": rep(); return "al";
            case "DXr": rep(); return "dx";
            case "eAX": return imregEax();
            case "eAXr": rep(); return imregEax();
            case "zAX":
                if (!w()) used |= pData ? U_DATA : 0;
                return (w() || dflag) ? "eax" : "ax";
            case "FS": return "fs";
            case "GS": return "gs";
            case "Ib": return imm(d.imm & 0xff);
            case "Iw": return imm(d.imm & 0xffff);
            case "Ib2": return imm(d.imm2 & 0xff);
            case "Iv": {
                usedRex(REX_W);
                if (w()) return imm(d.imm);
                used |= pData ? U_DATA : 0;
                return imm(dflag ? d.imm & 0xffffffffL : d.imm & 0xffff);
            }
            case "Iv64": {
                if (!w()) return operand("Iv");
                usedRex(REX_W);
                return imm(d.imm);
            }
            case "sIb": {
                long v = (byte) d.imm;
                if (!w()) v &= dflag ? 0xffffffffL : 0xffff;
                return imm(v);
            }
            case "sIbT": {
                long v = (byte) d.imm;
                if (!(dflag || w())) v &= 0xffff;
                return imm(v);
            }
            case "sIv": {
                long v = (dflag || w()) ? (int) d.imm : d.imm & 0xffff;
                return imm(v);
            }
            case "I1": return "1";
            case "Jb": return target(d.branchTarget());
            case "Jdqw": {
                if (dflag || w()) {
                    if (!w()) used |= pData ? U_DATA : 0;
                    return target(d.branchTarget());
                }
                used |= pData ? U_DATA : 0;
                long t = (d.address + d.length + (short) d.imm) & 0xffff;
                return target(t);
            }
            case "Ob": return off64(B);
            case "Ov": return off64(V);
            case "Xb": return dsreg(B);
            case "Xv": return dsreg(V);
            case "Xz": rep(); return dsreg(Z);
            case "Yb": return esreg(B);
            case "Yv": return esreg(V);
            case "Ybr": rep(); return esreg(B);
            case "Yvr": rep(); return esreg(V);
            case "Yzr": rep(); return esreg(Z);
            case "DSBX": {
                StringBuilder sb = new StringBuilder("BYTE PTR ");
                if (activeSeg < 0) activeSeg = Insn.SEG_DS;
                appendSeg(sb);
                used |= pAddr ? U_ADDR : 0;
                return sb.append('[').append(aflag ? "rbx" : "ebx").append(']').toString();
            }
            case "BND":
                if (pRepnz) all[lastRepnz] = P_BND;
                return null;
            case "NOTRACK":
                if (pDs && lastData < 0) {
                    activeSeg = -1;
                    all[lastSeg] = P_NOTRACK;
                }
                return null;
            case "NOP": {
                if (!pData && (rex & REX_B) == 0) {
                    mnemonicOverride = "nop";
                    return null;
                }
                String a = reg(0, REX_B, V);
                out[nOut++] = a;
                return imregEax();
            }
            case "MONITOR":
            case "MWAIT":
                return null;
            default:
                if (op.startsWith("Z")) return opZ(op);
                return vectorOperand(op);
        }
    }

    String mnemonicOverride;

    /** The operand codes of {@link VectorOps} (see its javadoc), then those of {@link VexOps}. */
    String vectorOperand(String op) {
        switch (op) {
            // x: xmm, or ymm with VEX.L (always xmm in legacy encodings); o: always xmm
            case "Vx": return vreg(d.reg & 7, REX_R, d.vexL != 0);
            case "Ux": return vreg(d.modrm & 7, REX_B, d.vexL != 0);
            case "Wx": return d.mod == 3 ? vreg(d.modrm & 7, REX_B, d.vexL != 0) : memory(d.vexL != 0 ? Y : X);
            case "Wq": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(Q);
            case "Wd": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(D);
            case "Ww": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(W);
            // MMX registers have no REX extension: objdump leaves REX.R/REX.B unused. A 0x66
            // that selected nothing turns them into XMM registers (movq2dq, movdq2q), except
            // in the conversions' fixed MMX operands (PqM, QqM)
            case "Pq": return pData ? dataXmm(d.reg & 7, REX_R) : "mm" + (d.modrm >> 3 & 7);
            case "Nq": return pData ? dataXmm(d.modrm & 7, REX_B) : "mm" + (d.modrm & 7);
            case "Qq":
                if (pData && d.mod == 3) return dataXmm(d.modrm & 7, REX_B);
                return d.mod == 3 ? "mm" + (d.modrm & 7) : memory(Q);
            case "Qd":
                if (pData && d.mod == 3) return dataXmm(d.modrm & 7, REX_B);
                return d.mod == 3 ? "mm" + (d.modrm & 7) : memory(D);
            case "PqM": return "mm" + (d.modrm >> 3 & 7);
            case "QqM": return d.mod == 3 ? "mm" + (d.modrm & 7) : memory(Q);
            case "Gd": return reg(d.reg & 7, REX_R, D);
            case "Gm": return reg(d.reg & 7, REX_R, M);
            case "Ed": return opE(D, 0);
            case "Em": return opE(M, 0);
            case "EdW": return d.mod == 3 ? reg(d.modrm & 7, REX_B, D) : memory(W);
            case "EdB": return d.mod == 3 ? reg(d.modrm & 7, REX_B, D) : memory(B);
            case "Mo": return opM(O);
            case "Mq8":
                usedRex(REX_W);
                return opM(w() ? O : Q);
            case "Ga": {
                // register named by the address size (movdir64b, enqcmd)
                usedRex(REX_R);
                int r = (d.reg & 7) + ((rex & REX_R) != 0 ? 8 : 0);
                used |= pAddr ? U_ADDR : 0;
                return pAddr ? R32[r] : R64[r];
            }
            case "XMM0": return "xmm0";
            case "Icmp": return (d.imm & 0xff) < predicates() ? null : imm(d.imm & 0xff);
            case "Iclmul": return clmulHalves() != null ? null : imm(d.imm & 0xff);
            default:
                return vexOperand(op);
        }
    }

    /** The operand codes only {@link VexOps} uses (see its javadoc). */
    String vexOperand(String op) {
        switch (op) {
            case "Vo": return xmm(d.reg & 7, REX_R);
            case "Uo": return xmm(d.modrm & 7, REX_B);
            case "Hx": return vreg(d.vexVvvv & 15, 0, d.vexL != 0);
            case "Ho": return "xmm" + (d.vexVvvv & 15);
            case "Wo": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(X);
            case "Wb": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(B);
            // a half, a quarter, an eighth of the vector in memory (conversions, pmovzx)
            case "Wh": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(d.vexL != 0 ? X : Q);
            case "Wqr": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(d.vexL != 0 ? Q : D);
            case "We": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(d.vexL != 0 ? D : W);
            case "Wdup": return d.mod == 3 ? vreg(d.modrm & 7, REX_B, d.vexL != 0) : memory(d.vexL != 0 ? Y : Q);
            case "Wsd": return d.mod == 3 ? xmm(d.modrm & 7, REX_B) : memory(w() ? Q : D);
            case "Lx": return vreg((int) (d.imm >> 4) & 15, 0, d.vexL != 0);
            case "I4": return imm(d.imm & 0xf);
            case "Hdq": return w() ? R64[d.vexVvvv & 15] : R32[d.vexVvvv & 15];
            case "Md": return opM(D);
            // gathers: the index vector is as wide as the vector of dword indices
            case "MVd":
                vsib = w() ? 128 : d.vexL != 0 ? 256 : 128;
                return memory(w() ? Q : D);
            case "MVq":
                vsib = d.vexL != 0 ? 256 : 128;
                return memory(w() ? Q : D);
            case "Vq": return vreg(d.reg & 7, REX_R, d.vexL != 0 && w());
            case "Hq": return vreg(d.vexVvvv & 15, 0, d.vexL != 0 && w());
            // FMA4: the ModRM source comes third with VEX.W=0, fourth with VEX.W=1
            case "F4ax": return w() ? vexOperand("Lx") : vectorOperand("Wx");
            case "F4bx": return w() ? vectorOperand("Wx") : vexOperand("Lx");
            case "F4ad": return w() ? xmm((int) (d.imm >> 4) & 15, 0) : vectorOperand("Wd");
            case "F4bd": return w() ? vectorOperand("Wd") : xmm((int) (d.imm >> 4) & 15, 0);
            case "F4aq": return w() ? xmm((int) (d.imm >> 4) & 15, 0) : vectorOperand("Wq");
            case "F4bq": return w() ? vectorOperand("Wq") : xmm((int) (d.imm >> 4) & 15, 0);
            case "KR": return "k" + (d.reg & 7);
            case "KV": return "k" + (d.vexVvvv & 7);
            case "KM": return "k" + (d.modrm & 7);
            case "KEwq": return d.mod == 3 ? "k" + (d.modrm & 7) : memory(w() ? Q : W);
            case "KEbd": return d.mod == 3 ? "k" + (d.modrm & 7) : memory(w() ? D : B);
            case "TR": return "tmm" + (d.reg & 7);
            case "TV": return "tmm" + (d.vexVvvv & 7);
            case "TM": return "tmm" + (d.modrm & 7);
            default:
                covered = false;
                return "?" + op;
        }
    }

    String vreg(int r, int rexBit, boolean ymm) {
        if (!ymm) return xmm(r, rexBit);
        usedRex(rexBit);
        return "ymm" + (r + ((rex & rexBit) != 0 ? 8 : 0));
    }

    /** How many compare predicates objdump names: 8 for SSE, 32 for AVX. */
    int predicates() {
        return vex ? 32 : 8;
    }

    String dataXmm(int r, int rexBit) {
        used |= U_DATA;
        return xmm(r, rexBit);
    }

    String xmm(int r, int rexBit) {
        usedRex(rexBit);
        return "xmm" + (r + ((rex & rexBit) != 0 ? 8 : 0));
    }

    /** pclmulqdq's pseudo-mnemonic part for the imm8 values objdump names, else null. */
    String clmulHalves() {
        int v = (int) d.imm & 0xff;
        if ((v & ~0x13) != 0 || (v & 0x12) == 0x12) return null;
        return ((v & 1) != 0 ? "hq" : "lq") + ((v & 0x12) != 0 ? "hq" : "lq");
    }

    void rep() {
        if (pRepz) all[lastRepz] = P_REP;
    }

    String imregEax() {
        usedRex(REX_W);
        if (w()) return "rax";
        used |= pData ? U_DATA : 0;
        return dflag ? "eax" : "ax";
    }

    String opZ(String op) {
        // Zn64 / Znv / Znb / Zndq: register from the opcode's low bits (+REX.B)
        int n = op.charAt(1) - '0';
        String kind = op.substring(2);
        usedRex(REX_B);
        int r = n + ((rex & REX_B) != 0 ? 8 : 0);
        switch (kind) {
            case "64":
                if (dflag || w()) return R64[r];
                // fall into the v form
                usedRex(REX_W);
                used |= pData ? U_DATA : 0;
                return R16[r];
            case "v":
            case "dq":
                usedRex(REX_W);
                if (w()) return R64[r];
                used |= pData ? U_DATA : 0;
                return dflag ? R32[r] : R16[r];
            case "b":
                if (n >= 4) usedRex(0);
                return rex != 0 ? R8REX[r] : R8[n];
            default:
                return "?";
        }
    }

    String reg(int r, int rexBit, int mode) {
        usedRex(rexBit);
        if ((rex & rexBit) != 0) r += 8;
        switch (mode) {
            case B:
                if ((r & 4) != 0) usedRex(0);
                return rex != 0 ? R8REX[r] : R8[r];
            case W: return R16[r];
            case D: return R32[r];
            case Q:
            case M: return R64[r];
            case STACKV:
            case INDIRV:
                if (dflag || w()) return R64[r];
                // fall through
            case V:
            case DQ:
                usedRex(REX_W);
                if (w()) return R64[r];
                if (mode == DQ) return R32[r];
                used |= pData ? U_DATA : 0;
                return dflag ? R32[r] : R16[r];
            case MOVSXD:
                used |= pData ? U_DATA : 0;
                return R32[r];
            default:
                covered = false;
                return "?";
        }
    }

    String opM(int mode) {
        if (d.mod == 3) {
            badOp = true;
            return null;
        }
        return opE(mode, 0);
    }

    String opE(int mode, int hle) {
        if (hle != 0 && d.mod != 3) {
            if (hle == 1 && pLock || hle == 2) {
                if (pRepz) all[lastRepz] = P_XRELEASE;
                if (pRepnz) all[lastRepnz] = P_XACQUIRE;
            } else if (hle == 3 && lastRepz > lastRepnz && pRepz) {
                all[lastRepz] = P_XRELEASE;
            }
        }
        if (d.mod == 3) return reg(d.modrm & 7, REX_B, mode);
        return memory(mode);
    }

    String sizePtr(int mode) {
        switch (mode) {
            case B: return "BYTE PTR ";
            case W: return "WORD PTR ";
            case D: return "DWORD PTR ";
            case Q:
            case M: return "QWORD PTR ";
            case STACKV:
            case INDIRV:
                if (dflag || w()) return "QWORD PTR ";
                // fall through
            case V:
            case DQ:
                usedRex(REX_W);
                if (w()) return "QWORD PTR ";
                if (mode == DQ) return "DWORD PTR ";
                used |= pData ? U_DATA : 0;
                return dflag ? "DWORD PTR " : "WORD PTR ";
            case Z:
                if (!w()) used |= pData ? U_DATA : 0;
                return (w() || dflag) ? "DWORD PTR " : "WORD PTR ";
            case MOVSXD:
                used |= pData ? U_DATA : 0;
                return "DWORD PTR ";
            case F:
                used |= pData ? U_DATA : 0;
                return dflag ? "FWORD PTR " : "DWORD PTR ";
            case X: return "XMMWORD PTR ";
            case Y: return "YMMWORD PTR ";
            case O: return "OWORD PTR ";
            case T: return "TBYTE PTR ";
            default:
                return "";
        }
    }

    void appendSeg(StringBuilder sb) {
        if (activeSeg < 0) return;
        used |= U_SEG;
        sb.append(SEG[activeSeg]).append(':');
    }

    String memory(int mode) {
        StringBuilder sb = new StringBuilder();
        usedRex(REX_B);
        sb.append(sizePtr(mode));
        appendSeg(sb);
        boolean addr32 = !aflag;
        String[] names = addr32 ? R32 : R64;
        boolean haveBase = true;
        int base = d.modrm & 7;
        int scale = 0;
        boolean haveIndex = false;
        int vindex = 0;
        long disp = 0;
        boolean riprel = false;
        if (d.hasSib) {
            vindex = d.sib >> 3 & 7;
            usedRex(REX_X);
            if ((rex & REX_X) != 0) vindex += 8;
            haveIndex = vindex != 4 || vsib != 0;
            scale = d.sib >> 6;
            base = d.sib & 7;
        }
        int rbase = base + ((rex & REX_B) != 0 ? 8 : 0);
        switch (d.mod) {
            case 0:
                if (base == 5) {
                    haveBase = false;
                    riprel = !d.hasSib;
                    disp = d.disp;
                }
                break;
            default:
                disp = d.disp;
                break;
        }
        boolean needIndex = false;
        boolean needAddr32 = false;
        if (d.hasSib && !haveBase && !haveIndex) {
            if (addr32) {
                disp &= 0xffffffffL;
                needIndex = true;
            }
            needAddr32 = true;
        }
        boolean haveDisp = haveBase || needIndex || (d.hasSib && (haveIndex || scale != 0));
        if (haveBase || haveIndex || needIndex || needAddr32 || riprel) used |= pAddr ? U_ADDR : 0;
        if (haveDisp || riprel) {
            sb.append('[');
            if (riprel) {
                sb.append(addr32 ? "eip" : "rip");
                hasRip = true;
                ripTarget = d.address + d.length + disp;
            }
            if (haveBase) sb.append(names[rbase]);
            if (d.hasSib) {
                if (scale != 0 || needIndex || haveIndex || (haveBase && base != 4)) {
                    if (haveBase) sb.append('+');
                    if (vsib != 0) sb.append(vsib == 256 ? "ymm" : "xmm").append(vindex);
                    else sb.append(haveIndex ? names[vindex] : (addr32 ? "eiz" : "riz"));
                    sb.append('*').append(1 << scale);
                }
            }
            if (disp != 0 || d.mod != 0 || base == 5) {
                if (!haveDisp || disp >= 0) {
                    sb.append('+');
                } else if (d.mod != 1 && disp != -disp) {
                    sb.append('-');
                    disp = -disp;
                }
                if (haveDisp) displacement(sb, disp);
                else sb.append("0x").append(Long.toHexString(disp));
            }
            sb.append(']');
        } else {
            if (d.mod != 0 || base == 5) {
                if (activeSeg < 0) sb.append("ds:");
                sb.append("0x").append(Long.toHexString(disp));
            }
        }
        return sb.toString();
    }

    void displacement(StringBuilder sb, long v) {
        if (v < 0) {
            sb.append('-');
            v = -v;
            if (v < 0) {
                sb.append("0x8000000000000000");
                return;
            }
        }
        sb.append("0x").append(Long.toHexString(v));
    }

    String off64(int mode) {
        StringBuilder sb = new StringBuilder();
        appendSeg(sb);
        if (activeSeg < 0) sb.append("ds:");
        long v = d.disp;
        if (pAddr) v &= 0xffffffffL;
        sb.append("0x").append(Long.toHexString(v));
        return sb.toString();
    }

    String dsreg(int mode) {
        StringBuilder sb = new StringBuilder();
        int opc = d.opcode;
        if (opc == 0x6f) sb.append(sizePtr(Z));
        else if (opc == 0xa5 || opc == 0xa7 || opc == 0xad) sb.append(sizePtr(V));
        else sb.append(sizePtr(B));
        if (activeSeg < 0) activeSeg = Insn.SEG_DS;
        appendSeg(sb);
        used |= pAddr ? U_ADDR : 0;
        return sb.append('[').append(aflag ? "rsi" : "esi").append(']').toString();
    }

    String esreg(int mode) {
        StringBuilder sb = new StringBuilder();
        int opc = d.opcode;
        if (opc == 0x6d) sb.append(sizePtr(Z));
        else if (opc == 0xa5 || opc == 0xa7 || opc == 0xab || opc == 0xaf) sb.append(sizePtr(V));
        else sb.append(sizePtr(B));
        sb.append("es:");
        used |= pAddr ? U_ADDR : 0;
        return sb.append('[').append(aflag ? "rdi" : "edi").append(']').toString();
    }

    String imm(long v) {
        return "0x" + Long.toHexString(v);
    }

    String target(long t) {
        return address(t);
    }

    String address(long t) {
        String s = sym.symbolize(t);
        if (s == null) return "0x" + Long.toHexString(t);
        return Long.toHexString(t) + " <" + s + ">";
    }
}
}
