package io.kprobelab.x86.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Mnemonic and operand table for the formatter (and the objdump {@code (bad)} verdicts of the
 * legacy maps).
 *
 * <p>One line per form: {@code KEY MNEMONIC [OPERANDS] [FLAGS]}. KEY is {@code op},
 * {@code 0f.op}, {@code 0f38.op} or {@code 0f3a.op} (hex), optionally followed by {@code /r}
 * (ModRM.reg), {@code :m} / {@code :r} (memory or register ModRM), {@code :rmN} (ModRM.rm) and
 * {@code @np}, {@code @66}, {@code @f3}, {@code @f2} (mandatory-prefix variant). A {@code -} as
 * mnemonic marks a form that exists but is invalid. Mnemonic macros (objdump's conventions
 * in Intel syntax): {@code %T} appends {@code w} with an operand-size prefix; {@code %P} the same
 * for a memory operand only; {@code %@} as {@code %P} unless REX.W or no 0x66; {@code %L}
 * {@code w}/{@code d}/{@code q} when 0x66 or REX.W is given; {@code %K} {@code d}/{@code q};
 * {@code %E} {@code r}/{@code e} by address size; {@code %V} the "abs" of movabs with REX.W;
 * {@code %A} the "abs" of movabs for moffs without 0x67; {@code {a|b|c}} picks by operand size
 * 16/32/64.
 */
public final class Ops {

    private Ops() {
    }

    /** A leaf form. */
    public static final class Form {
        public final String mnemonic;
        public final String[] operands;
        public final boolean invalid;
        /** PREFIX_OPCODE-like: an unused mandatory prefix makes the form invalid. */
        public final boolean prefixOpcode;
        /** PREFIX_IGNORED-like: the prefix that selected the form is still printed. */
        public final boolean prefixIgnored;

        Form(String mnemonic, String[] operands, boolean invalid, boolean prefixOpcode, boolean prefixIgnored) {
            this.mnemonic = mnemonic;
            this.operands = operands;
            this.invalid = invalid;
            this.prefixOpcode = prefixOpcode;
            this.prefixIgnored = prefixIgnored;
        }
    }

    /** All forms of one opcode. */
    public static final class Entry {
        /** Forms keyed by (prefix variant 0..3, 4 = none, reg 0..8, mod 0..2, rm 0..8): 8 = any. */
        final Map<Integer, Form> forms = new HashMap<>();
        public boolean hasPrefixVariants;
        public boolean byReg;
        public boolean byMod;
        public boolean byRm;
        /** Prefix variants that fall back to the no-prefix form ("PREFIX_IGNORED" for F3/F2). */
        public int ignoredRepMask;

        /**
         * @param pv  prefix-table variant 0 none, 1 F3, 2 66, 3 F2; 4 for a form without one
         * @param reg ModRM.reg
         * @param mem true for a memory ModRM
         * @param rm  ModRM.rm
         */
        public Form find(int pv, int reg, boolean mem, int rm) {
            return find(pv, reg, mem, rm, false);
        }

        /** True when a mandatory-prefix form exists for this ModRM (then prefixes select the form). */
        public boolean hasVariantFor(int reg, boolean mem, int rm, boolean rip) {
            if (!hasPrefixVariants) return false;
            return resolved[idx(4, reg, mem, rm, rip)] == VARIANT;
        }

        /** As {@link #find(int, int, boolean, int)}; {@code rip} for a RIP-relative memory operand. */
        public Form find(int pv, int reg, boolean mem, int rm, boolean rip) {
            Form f = resolved[idx(pv, reg, mem, rm, rip)];
            return f == VARIANT ? null : f;
        }

        // [pv 0..4][reg][mem, reg, rip][rm]; for pv 4 a VARIANT marker when a prefix form exists
        private Form[] resolved;

        private static int idx(int pv, int reg, boolean mem, int rm, boolean rip) {
            int m = rip ? 2 : mem ? 0 : 1;
            return ((pv * 8 + reg) * 3 + m) * 8 + (mem ? 0 : rm);
        }

        void resolve() {
            resolved = new Form[5 * 8 * 3 * 8];
            for (int reg = 0; reg < 8; reg++) {
                for (int m = 0; m < 3; m++) {
                    boolean mem = m != 1;
                    boolean rip = m == 2;
                    for (int rm = 0; rm < 8; rm++) {
                        if (mem && rm > 0) continue;
                        boolean variant = false;
                        for (int pv = 0; pv < 4; pv++) {
                            Form f = lookup(pv, reg, mem, rm, rip);
                            resolved[idx(pv, reg, mem, rm, rip)] = f;
                            variant |= f != null;
                        }
                        Form none = lookup(4, reg, mem, rm, rip);
                        resolved[idx(4, reg, mem, rm, rip)] = none;
                        if (variant) {
                            // prefix forms win; pv 4 lookups then report "none"
                            resolved[idx(4, reg, mem, rm, rip)] = VARIANT;
                        }
                    }
                }
            }
        }

        private Form lookup(int pv, int reg, boolean mem, int rm, boolean rip) {
            int m = mem ? 0 : 1;
            int x = mem ? (rip ? 9 : 8) : rm;
            for (int ri = 0; ri < 2; ri++) {
                int r = ri == 0 ? reg : 8;
                for (int mi = 0; mi < 2; mi++) {
                    int mm = mi == 0 ? m : 2;
                    for (int xi = 0; xi < 2; xi++) {
                        int xx = xi == 0 ? x : 8;
                        Form f = forms.get(key(pv, r, mm, xx));
                        if (f != null) return f;
                    }
                }
            }
            return null;
        }
    }

    /** Marker in resolved tables: a mandatory-prefix form exists for this ModRM. */
    static final Form VARIANT = new Form("", new String[0], false, false, false);

    static int key(int pv, int reg, int mod, int rm) {
        return ((pv * 16 + reg) * 4 + mod) * 16 + rm;
    }

    public static final Entry[][] MAPS = new Entry[4][256];

    /** Returns the entry of an opcode, or null when the table does not describe it. */
    public static Entry entry(int map, int opcode) {
        return MAPS[map][opcode];
    }

    /**
     * Builds a table of the four legacy maps from lines in this class's format (used for the
     * formatter-only tables, such as {@link VectorOps}, that must not change the decoder's
     * verdicts).
     */
    static Entry[][] build(String[] lines) {
        Entry[][] maps = new Entry[4][256];
        for (String l : lines) add(maps, l);
        for (Entry[] m : maps) {
            for (Entry e : m) {
                if (e != null) e.resolve();
            }
        }
        return maps;
    }

    private static void add(Entry[][] maps, String line) {
        String[] t = line.trim().split("\\s+");
        String key = t[0];
        String mn = t.length > 1 ? t[1] : "-";
        String ops = "";
        boolean po = false;
        boolean pi = false;
        for (int i = 2; i < t.length; i++) {
            if (t[i].equals("!po")) po = true;
            else if (t[i].equals("!pi")) pi = true;
            else ops = t[i];
        }
        int map = 0;
        int dot = key.indexOf('.');
        String rest = key;
        if (dot > 0) {
            String m = key.substring(0, dot);
            map = m.equals("0f") ? 1 : m.equals("0f38") ? 2 : 3;
            rest = key.substring(dot + 1);
        }
        int pv = 4;
        boolean hasPv = false;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String p = rest.substring(at + 1, at + 3);
            pv = p.equals("np") ? 0 : p.equals("f3") ? 1 : p.equals("66") ? 2 : 3;
            hasPv = true;
            rest = rest.substring(0, at) + rest.substring(at + 3);
        }
        int reg = 8;
        int mod = 2;
        int rm = 8;
        String[] parts = rest.split(":");
        String opPart = parts[0];
        int slash = opPart.indexOf('/');
        if (slash >= 0) {
            reg = Integer.parseInt(opPart.substring(slash + 1));
            opPart = opPart.substring(0, slash);
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("m")) mod = 0;
            else if (parts[i].equals("r")) mod = 1;
            else if (parts[i].equals("rip")) {
                mod = 0;
                rm = 9;
            } else if (parts[i].startsWith("rm")) rm = Integer.parseInt(parts[i].substring(2));
        }
        int lo;
        int hi;
        int dash = opPart.indexOf('-');
        if (dash > 0) {
            lo = Integer.parseInt(opPart.substring(0, dash), 16);
            hi = Integer.parseInt(opPart.substring(dash + 1), 16);
        } else {
            lo = hi = Integer.parseInt(opPart, 16);
        }
        String[] operands = ops.isEmpty() ? new String[0] : ops.split(",");
        boolean invalid = mn.equals("-");
        mn = mn.replace('_', ' ');
        for (int op = lo; op <= hi; op++) {
            Entry e = maps[map][op];
            if (e == null) {
                e = new Entry();
                maps[map][op] = e;
            }
            if (hasPv) e.hasPrefixVariants = true;
            if (reg != 8) e.byReg = true;
            if (mod != 2) e.byMod = true;
            if (rm != 8) e.byRm = true;
            String m = mn;
            if (lo != hi && mn.contains("#")) m = mn.replace("#", CC[op & 15]);
            String[] o = operands;
            if (lo != hi) {
                o = operands.clone();
                for (int i = 0; i < o.length; i++) {
                    if (o[i].startsWith("Zr")) o[i] = "Z" + (op & 7) + o[i].substring(2);
                }
            }
            e.forms.put(key(pv, reg, mod, rm), new Form(m, o, invalid, po, pi));
        }
    }

    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    private static final String[] ARITH = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};

    static {
        for (int i = 0; i < 8; i++) {
            String n = ARITH[i];
            String h = i == 7 ? "" : "h1";
            add(MAPS, Integer.toHexString(i * 8) + " " + n + " Eb" + h + ",Gb");
            add(MAPS, Integer.toHexString(i * 8 + 1) + " " + n + " Ev" + h + ",Gv");
            add(MAPS, Integer.toHexString(i * 8 + 2) + " " + n + " Gb,Eb");
            add(MAPS, Integer.toHexString(i * 8 + 3) + " " + n + " Gv,Ev");
            add(MAPS, Integer.toHexString(i * 8 + 4) + " " + n + " AL,Ib");
            add(MAPS, Integer.toHexString(i * 8 + 5) + " " + n + " eAX,Iv");
            add(MAPS, "80/" + i + " " + n + " Eb" + h + ",Ib");
            add(MAPS, "81/" + i + " " + n + " Ev" + h + ",Iv");
            add(MAPS, "83/" + i + " " + n + " Ev" + h + ",sIb");
            add(MAPS, "c0/" + i + " " + SHIFT[i] + " Eb,Ib");
            add(MAPS, "c1/" + i + " " + SHIFT[i] + " Ev,Ib");
            add(MAPS, "d0/" + i + " " + SHIFT[i] + " Eb,I1");
            add(MAPS, "d1/" + i + " " + SHIFT[i] + " Ev,I1");
            add(MAPS, "d2/" + i + " " + SHIFT[i] + " Eb,CL");
            add(MAPS, "d3/" + i + " " + SHIFT[i] + " Ev,CL");
        }
        String[] lines = {
            "50-57 push Zr64",
            "58-5f pop Zr64",
            "63 movsxd Gv,Edx",
            "68 push%T sIv",
            "69 imul Gv,Ev,Iv",
            "6a push%T sIbT",
            "6b imul Gv,Ev,sIb",
            "6c ins Ybr,DX",
            "6d ins Yzr,DX",
            "6e outs DXr,Xb",
            "6f outs DXr,Xz",
            "70-7f j# Jb,BND",
            "84 test Eb,Gb",
            "85 test Ev,Gv",
            "86 xchg Ebh2,Gb",
            "87 xchg Evh2,Gv",
            "88 mov Ebh3,Gb",
            "89 mov Evh3,Gv",
            "8a mov Gb,Eb",
            "8b mov Gv,Ev",
            "8c mov Sv,Sw",
            "8d:m lea Gv,M",
            "8e mov Sw,Sv",
            "8f/0 pop Esv",
            "90@np xchg NOP",
            "90@f3 pause",
            "90@66 xchg NOP",
            "91-97 xchg Zrv,eAX",
            "98 c{bw|wde|dqe}",
            "99 c{wd|dq|qo}",
            "9c pushf%T",
            "9d popf%T",
            "9e sahf",
            "9f lahf",
            "a0 mov%A AL,Ob",
            "a1 mov%A eAX,Ov",
            "a2 mov%A Ob,AL",
            "a3 mov%A Ov,eAX",
            "a4 movs Ybr,Xb",
            "a5 movs Yvr,Xv",
            "a6 cmps Xb,Yb",
            "a7 cmps Xv,Yv",
            "a8 test AL,Ib",
            "a9 test eAX,Iv",
            "aa stos Ybr,AL",
            "ab stos Yvr,eAX",
            "ac lods ALr,Xb",
            "ad lods eAXr,Xv",
            "ae scas AL,Yb",
            "af scas eAX,Yv",
            "b0-b7 mov Zrb,Ib",
            "b8-bf mov%V Zrv,Iv64",
            "c2 ret%T Iw,BND",
            "c3 ret%T BND",
            "c6/0 mov Ebh3,Ib",
            "c6/7:r:rm0 xabort Ib",
            "c7/0 mov Evh3,Iv",
            "c7/7:r:rm0 xbegin%T Jdqw",
            "c8 enter%T Iw,Ib2",
            "c9 leave%T",
            "ca retf%L Iw",
            "cb retf%L",
            "cc int3",
            "cd int Ib",
            "cf iret%L",
            "d7 xlat DSBX",
            "e0 loopne Jb",
            "e1 loope Jb",
            "e2 loop Jb",
            "e3 j%Ecxz Jb",
            "e4 in AL,Ib",
            "e5 in zAX,Ib",
            "e6 out Ib,AL",
            "e7 out Ib,zAX",
            "e8 call%@ Jdqw,BND",
            "e9 jmp%@ Jdqw,BND",
            "eb jmp Jb,BND",
            "ec in AL,DX",
            "ed in zAX,DX",
            "ee out DX,AL",
            "ef out DX,zAX",
            "f1 int1",
            "f4 hlt",
            "f5 cmc",
            "f6/0 test Eb,Ib",
            "f6/1 test Eb,Ib",
            "f6/2 not Ebh1",
            "f6/3 neg Ebh1",
            "f6/4 mul Eb",
            "f6/5 imul Eb",
            "f6/6 div Eb",
            "f6/7 idiv Eb",
            "f7/0 test Ev,Iv",
            "f7/1 test Ev,Iv",
            "f7/2 not Evh1",
            "f7/3 neg Evh1",
            "f7/4 mul Ev",
            "f7/5 imul Ev",
            "f7/6 div Ev",
            "f7/7 idiv Ev",
            "f8 clc",
            "f9 stc",
            "fa cli",
            "fb sti",
            "fc cld",
            "fd std",
            "fe/0 inc Ebh1",
            "fe/1 dec Ebh1",
            "ff/0 inc Evh1",
            "ff/1 dec Evh1",
            "ff/2 call NOTRACK,Eiv,BND",
            "ff/3:m call%^ Mp",
            "ff/4 jmp NOTRACK,Eiv,BND",
            "ff/5:m jmp%^ Mp",
            "ff/6 push Esv",
            // ---------------------------------------------------------------- 0F map
            "0f.00/0 sldt Sv",
            "0f.00/1 str Sv",
            "0f.00/2 lldt Ew",
            "0f.00/3 ltr Ew",
            "0f.00/4 verr Ew",
            "0f.00/5 verw Ew",
            "0f.01/0:m sgdt M",
            "0f.01/0:r:rm0 enclv",
            "0f.01/0:r:rm1 vmcall",
            "0f.01/0:r:rm2 vmlaunch",
            "0f.01/0:r:rm3 vmresume",
            "0f.01/0:r:rm4 vmxoff",
            "0f.01/0:r:rm5 pconfig",
            "0f.01/0:r:rm6@np wrmsrns",
            "0f.01/0:r:rm6@f3 wrmsrlist",
            "0f.01/0:r:rm6@f2 rdmsrlist",
            "0f.01/1:m sidt M",
            "0f.01/1:r:rm0 monitor MONITOR",
            "0f.01/1:r:rm1 mwait MWAIT",
            "0f.01/1:r:rm2 clac",
            "0f.01/1:r:rm3 stac",
            "0f.01/1:r:rm4@66 tdcall",
            "0f.01/1:r:rm5@66 seamret",
            "0f.01/1:r:rm6@66 seamops",
            "0f.01/1:r:rm7@np encls",
            "0f.01/1:r:rm7@66 seamcall",
            "0f.01/2:m lgdt M",
            "0f.01/2:r:rm0 xgetbv",
            "0f.01/2:r:rm1 xsetbv",
            "0f.01/2:r:rm4 vmfunc",
            "0f.01/2:r:rm5 xend",
            "0f.01/2:r:rm6 xtest",
            "0f.01/2:r:rm7 enclu",
            "0f.01/3:m lidt M",
            "0f.01/3:r:rm0 vmrun",
            "0f.01/3:r:rm1@np vmmcall",
            "0f.01/3:r:rm1@f3 vmgexit",
            "0f.01/3:r:rm1@f2 vmgexit",
            "0f.01/3:r:rm2 vmload",
            "0f.01/3:r:rm3 vmsave",
            "0f.01/3:r:rm4 stgi",
            "0f.01/3:r:rm5 clgi",
            "0f.01/3:r:rm6 skinit",
            "0f.01/3:r:rm7 invlpga",
            "0f.01/4 smsw Sv",
            "0f.01/5:r:rm0@np serialize !po",
            "0f.01/5:r:rm0@f3 setssbsy !po",
            "0f.01/5:r:rm0@f2 xsusldtrk !po",
            "0f.01/5:r:rm1@f2 xresldtrk !po",
            "0f.01/5:r:rm2@f3 saveprevssp",
            "0f.01/5:r:rm4@f3 uiret",
            "0f.01/5:r:rm5@f3 testui",
            "0f.01/5:r:rm6@np rdpkru",
            "0f.01/5:r:rm6@f3 clui",
            "0f.01/5:r:rm7@np wrpkru",
            "0f.01/5:r:rm7@f3 stui",
            "0f.01/5:m@f3 rstorssp Mq !po",
            "0f.01/6 lmsw Ew",
            "0f.01/7:m invlpg Mb",
            "0f.01/7:r:rm0 swapgs",
            "0f.01/7:r:rm1 rdtscp",
            "0f.01/7:r:rm2@np monitorx",
            "0f.01/7:r:rm2@f3 mcommit",
            "0f.01/7:r:rm3@np mwaitx",
            "0f.01/7:r:rm4 clzero",
            "0f.01/7:r:rm5@np rdpru",
            "0f.01/7:r:rm5@f3 rmpquery",
            "0f.01/7:r:rm6@np invlpgb",
            "0f.01/7:r:rm6@f3 rmpadjust",
            "0f.01/7:r:rm6@f2 rmpupdate",
            "0f.01/7:r:rm7@np tlbsync",
            "0f.01/7:r:rm7@f3 psmash",
            "0f.01/7:r:rm7@f2 pvalidate",
            "0f.02:m lar Gv,Mw",
            "0f.02:r lar Gv,Ev",
            "0f.03:m lsl Gv,Mw",
            "0f.03:r lsl Gv,Ev",
            "0f.05 syscall",
            "0f.06 clts",
            "0f.07 sysret%Q",
            "0f.08 invd",
            "0f.09@np wbinvd",
            "0f.09@f3 wbnoinvd",
            "0f.0b ud2",
            "0f.0d/0 prefetch Mb",
            "0f.0d/1 prefetchw Mb",
            "0f.0d/2 prefetchwt1 Mb",
            "0f.0d/3 prefetch Mb",
            "0f.0d/4 prefetch Mb",
            "0f.0d/5 prefetch Mb",
            "0f.0d/6 prefetch Mb",
            "0f.0d/7 prefetch Mb",
            "0f.0e femms",
            "0f.18/0:m prefetchnta Mb",
            "0f.18/1:m prefetcht0 Mb",
            "0f.18/2:m prefetcht1 Mb",
            "0f.18/3:m prefetcht2 Mb",
            "0f.18/6:m@np nop___ Mv",
            "0f.18/7:m@np nop___ Mv",
            "0f.18/6:m@66 nop Ev",
            "0f.18/7:m@66 nop Ev",
            "0f.18/6:m@f3 nop Ev",
            "0f.18/7:m@f3 nop Ev",
            "0f.18/6:m@f2 nop Ev",
            "0f.18/7:m@f2 nop Ev",
            "0f.18/6:rip@np prefetchit1 Mb",
            "0f.18/7:rip@np prefetchit0 Mb",
            "0f.18/6:rip@66 nop Ev",
            "0f.18/7:rip@66 nop Ev",
            "0f.18/6:rip@f3 nop Ev",
            "0f.18/7:rip@f3 nop Ev",
            "0f.18/6:rip@f2 nop Ev",
            "0f.18/7:rip@f2 nop Ev",
            "0f.18/4:m nop Ev",
            "0f.18/5:m nop Ev",
            "0f.18/6:m nop Ev",
            "0f.18/7:m nop Ev",
            "0f.18:r nop Ev",
            "0f.19 nop Ev",
            "0f.1c/0:m@np cldemote Mb",
            "0f.1c@np nop Ev",
            "0f.1c@66 nop Ev",
            "0f.1c@f3 nop Ev !pi",
            "0f.1c@f2 nop Ev !pi",
            "0f.1d nop Ev",
            "0f.1f nop Ev",
            "0f.20 mov Rm,Cm",
            "0f.21 mov Rm,Dm",
            "0f.22 mov Cm,Rm",
            "0f.23 mov Dm,Rm",
            "0f.30 wrmsr",
            "0f.31 rdtsc",
            "0f.32 rdmsr",
            "0f.33 rdpmc",
            "0f.34 sysenter",
            "0f.35 sysexit%Q",
            "0f.37 getsec",
            "0f.40-4f cmov# Gv,Ev",
            "0f.80-8f j# Jdqw,BND",
            "0f.90-9f set# Eb",
            "0f.a0 push%T FS",
            "0f.a1 pop%T FS",
            "0f.a2 cpuid",
            "0f.a3 bt Ev,Gv",
            "0f.a4 shld Ev,Gv,Ib",
            "0f.a5 shld Ev,Gv,CL",
            "0f.a8 push%T GS",
            "0f.a9 pop%T GS",
            "0f.aa rsm",
            "0f.ab bts Evh1,Gv",
            "0f.ac shrd Ev,Gv,Ib",
            "0f.ad shrd Ev,Gv,CL",
            "0f.ae/0:m fxsave%6 M",
            "0f.ae/1:m fxrstor%6 M",
            "0f.ae/2:m ldmxcsr Md",
            "0f.ae/3:m stmxcsr Md",
            "0f.ae/4:m@np xsave%6 M",
            "0f.ae/4:m@f3 ptwrite Edq",
            "0f.ae/5:m xrstor%6 M !po",
            "0f.ae/6:m@np xsaveopt%6 M",
            "0f.ae/6:m@66 clwb Mb",
            "0f.ae/6:m@f3 clrssbsy Mq",
            "0f.ae/7:m@np clflush Mb",
            "0f.ae/7:m@66 clflushopt Mb",
            "0f.ae/5:r@np lfence",
            "0f.ae/5:r@f3 incssp%K Edq",
            "0f.ae/6:r:rm0@np mfence",
            "0f.ae/6:r@66 tpause Edq",
            "0f.ae/6:r@f3 umonitor Eva",
            "0f.ae/6:r@f2 umwait Edq",
            "0f.ae/7:r:rm0 sfence",
            "0f.ae/0:r@f3 rdfsbase Ev",
            "0f.ae/1:r@f3 rdgsbase Ev",
            "0f.ae/2:r@f3 wrfsbase Ev",
            "0f.ae/3:r@f3 wrgsbase Ev",
            "0f.ae/4:r@f3 ptwrite Edq",
            "0f.af imul Gv,Ev",
            "0f.b0 cmpxchg Ebh1,Gb",
            "0f.b1 cmpxchg Evh1,Gv",
            "0f.b2:m lss Gv,Mp",
            "0f.b3 btr Evh1,Gv",
            "0f.b4:m lfs Gv,Mp",
            "0f.b5:m lgs Gv,Mp",
            "0f.b6 movzx Gv,Eb",
            "0f.b7 movzx Gv,Ew",
            "0f.b9 ud1 Gv,Ev",
            "0f.ba/4 bt Ev,Ib",
            "0f.ba/5 bts Evh1,Ib",
            "0f.ba/6 btr Evh1,Ib",
            "0f.ba/7 btc Evh1,Ib",
            "0f.bb btc Evh1,Gv",
            "0f.be movsx Gv,Eb",
            "0f.bf movsx Gv,Ew",
            "0f.c0 xadd Ebh1,Gb",
            "0f.c1 xadd Evh1,Gv",
            "0f.c8-cf bswap Zrdq",
            "0f.ff ud0 Gv,Ev",
            "0f.b8@f3 popcnt Gv,Ev",
            "0f.bc@np bsf Gv,Ev",
            "0f.bc@f3 tzcnt Gv,Ev",
            "0f.bc@66 bsf Gv,Ev",
            "0f.bd@np bsr Gv,Ev",
            "0f.bd@f3 lzcnt Gv,Ev",
            "0f.bd@66 bsr Gv,Ev",
            "0f.1e@np nop Ev",
            "0f.1e@66 nop Ev",
            "0f.1e@f3:m nop Ev !pi",
            "0f.1e@f3/1:r rdssp%K Edq",
            "0f.1e@f3/7:r:rm2 endbr64",
            "0f.1e@f3/7:r:rm3 endbr32",
            "0f.1e@f3:r nop Ev !pi",
            "0f38.f0@np movbe Gv,Mv !po",
            "0f38.f0@66 movbe Gv,Mv !po",
            "0f38.f0@f2 crc32 Gdq,Eb !po",
            "0f38.f1@np movbe Mv,Gv !po",
            "0f38.f1@66 movbe Mv,Gv !po",
            "0f38.f1@f2 crc32 Gdq,Ev !po",
        };
        for (String l : lines) add(MAPS, l);
        for (Entry[] m : MAPS) {
            for (Entry e : m) {
                if (e != null) e.resolve();
            }
        }
        MAPS[0][0x90].ignoredRepMask = 1 << 3;
        MAPS[1][0x1E].ignoredRepMask = 1 << 3;
    }
}
