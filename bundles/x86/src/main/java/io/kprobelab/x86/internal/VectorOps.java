package io.kprobelab.x86.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Text of the legacy-encoded (non-VEX) MMX/SSE..SSE4.2 forms of the 0F, 0F38 and 0F3A maps, plus
 * the few other instructions of those maps that sit between them (group 0F C7, SHA/AES/GFNI,
 * VMX and a few more), in {@link Ops}'s line format.
 *
 * <p>Kept apart from {@link Ops} on purpose: the decoder takes its {@code (bad)} verdicts for these
 * opcodes from the measured tables ({@link Validity}), and {@link Ops#entry} being null is what
 * sends it there. This table is read by the formatter only, and only for instructions the decoder
 * already found valid, so a form missing here is printed as {@code .insn}, never misjudged.
 *
 * <p>Operand codes added for these forms (the {@link Ops} ones keep their meaning):
 * {@code Vx} XMM register from ModRM.reg; {@code Ux} XMM register from ModRM.rm; {@code Wx},
 * {@code Wq}, {@code Wd}, {@code Ww} XMM register or memory printed as XMMWORD, QWORD, DWORD, WORD
 * PTR; {@code Pq} MMX register from ModRM.reg (REX.R is not used: it prints as {@code rex.R});
 * {@code Nq} MMX register from ModRM.rm; {@code Qq}, {@code Qd} MMX register or QWORD/DWORD
 * memory; {@code Gd}/{@code Gm} 32/64-bit register from ModRM.reg whatever REX.W says;
 * {@code Ed} 32-bit register or DWORD memory; {@code EdW}, {@code EdB} 32-bit register or
 * WORD/BYTE memory (pinsrw, pextrb); {@code Em} 64-bit register or QWORD memory; {@code Mo}
 * OWORD memory; {@code Mq8} QWORD memory, OWORD with REX.W (cmpxchg8b/16b); {@code XMM0} the
 * implicit xmm0 of the blendv forms; {@code Icmp} and {@code Iclmul} the imm8 that objdump folds
 * into the {@code %C} (cmpps predicate) and {@code %X} (pclmulqdq halves) mnemonic macros when it
 * has a name for it; {@code %8} is {@code 8b}/{@code 16b} by REX.W.
 */
public final class VectorOps {

    private VectorOps() {
    }

    /** Returns the entry of an opcode, or null when the table has no text for it. */
    public static Ops.Entry entry(int map, int opcode) {
        return MAPS[map][opcode];
    }

    private static final Ops.Entry[][] MAPS;

    /** Packed single, packed double, scalar single, scalar double: suffix, prefix and memory size. */
    private static final String[][] PSD = {
        {"ps", "np", "Wx"}, {"pd", "66", "Wx"}, {"ss", "f3", "Wd"}, {"sd", "f2", "Wq"}};

    /** MMX (no prefix) and SSE2 (66) forms of one integer opcode. */
    private static void mmxSse(List<String> out, String key, String mn, String mmxMem, String extra) {
        out.add(key + "@np " + mn + " Pq," + mmxMem + extra);
        out.add(key + "@66 " + mn + " Vx,Wx" + extra);
    }

    static {
        List<String> l = new ArrayList<>();
        // ------------------------------------------------------------------ 0F: moves
        l.add("0f.10@np movups Vx,Wx");
        l.add("0f.10@66 movupd Vx,Wx");
        l.add("0f.10@f3 movss Vx,Wd");
        l.add("0f.10@f2 movsd Vx,Wq");
        l.add("0f.11@np movups Wx,Vx");
        l.add("0f.11@66 movupd Wx,Vx");
        l.add("0f.11@f3 movss Wd,Vx");
        l.add("0f.11@f2 movsd Wq,Vx");
        l.add("0f.12:m@np movlps Vx,Wq");
        l.add("0f.12:r@np movhlps Vx,Ux");
        l.add("0f.12:m@66 movlpd Vx,Wq");
        l.add("0f.12@f3 movsldup Vx,Wx");
        l.add("0f.12@f2 movddup Vx,Wq");
        l.add("0f.13:m@np movlps Wq,Vx");
        l.add("0f.13:m@66 movlpd Wq,Vx");
        l.add("0f.14@np unpcklps Vx,Wx");
        l.add("0f.14@66 unpcklpd Vx,Wx");
        l.add("0f.15@np unpckhps Vx,Wx");
        l.add("0f.15@66 unpckhpd Vx,Wx");
        l.add("0f.16:m@np movhps Vx,Wq");
        l.add("0f.16:r@np movlhps Vx,Ux");
        l.add("0f.16:m@66 movhpd Vx,Wq");
        l.add("0f.16@f3 movshdup Vx,Wx");
        l.add("0f.17:m@np movhps Wq,Vx");
        l.add("0f.17:m@66 movhpd Wq,Vx");
        l.add("0f.28@np movaps Vx,Wx");
        l.add("0f.28@66 movapd Vx,Wx");
        l.add("0f.29@np movaps Wx,Vx");
        l.add("0f.29@66 movapd Wx,Vx");
        l.add("0f.2b:m@np movntps Wx,Vx");
        l.add("0f.2b:m@66 movntpd Wx,Vx");
        l.add("0f.2b:m@f3 movntss Wd,Vx");
        l.add("0f.2b:m@f2 movntsd Wq,Vx");
        // ------------------------------------------------------------------ 0F: conversions, compares
        l.add("0f.2a@np cvtpi2ps Vx,QqM");
        l.add("0f.2a@66 cvtpi2pd Vx,QqM");
        l.add("0f.2a@f3 cvtsi2ss Vx,Edq");
        l.add("0f.2a@f2 cvtsi2sd Vx,Edq");
        l.add("0f.2c@np cvttps2pi PqM,Wq");
        l.add("0f.2c@66 cvttpd2pi PqM,Wx");
        l.add("0f.2c@f3 cvttss2si Gdq,Wd");
        l.add("0f.2c@f2 cvttsd2si Gdq,Wq");
        l.add("0f.2d@np cvtps2pi PqM,Wq");
        l.add("0f.2d@66 cvtpd2pi PqM,Wx");
        l.add("0f.2d@f3 cvtss2si Gdq,Wd");
        l.add("0f.2d@f2 cvtsd2si Gdq,Wq");
        l.add("0f.2e@np ucomiss Vx,Wd");
        l.add("0f.2e@66 ucomisd Vx,Wq");
        l.add("0f.2f@np comiss Vx,Wd");
        l.add("0f.2f@66 comisd Vx,Wq");
        l.add("0f.50:r@np movmskps Gdq,Ux");
        l.add("0f.50:r@66 movmskpd Gdq,Ux");
        l.add("0f.5a@np cvtps2pd Vx,Wq");
        l.add("0f.5a@66 cvtpd2ps Vx,Wx");
        l.add("0f.5a@f3 cvtss2sd Vx,Wd");
        l.add("0f.5a@f2 cvtsd2ss Vx,Wq");
        l.add("0f.5b@np cvtdq2ps Vx,Wx");
        l.add("0f.5b@66 cvtps2dq Vx,Wx");
        l.add("0f.5b@f3 cvttps2dq Vx,Wx");
        l.add("0f.e6@66 cvttpd2dq Vx,Wx");
        l.add("0f.e6@f3 cvtdq2pd Vx,Wq");
        l.add("0f.e6@f2 cvtpd2dq Vx,Wx");
        for (String[] p : PSD) {
            l.add("0f.c2@" + p[1] + " cmp%C" + p[0] + " Vx," + p[2] + ",Icmp");
        }
        // ------------------------------------------------------------------ 0F: arithmetic
        String[] arith = {"51 sqrt", "58 add", "59 mul", "5c sub", "5d min", "5e div", "5f max"};
        for (String a : arith) {
            String[] t = a.split(" ");
            for (String[] p : PSD) l.add("0f." + t[0] + "@" + p[1] + " " + t[1] + p[0] + " Vx," + p[2]);
        }
        l.add("0f.52@np rsqrtps Vx,Wx");
        l.add("0f.52@f3 rsqrtss Vx,Wd");
        l.add("0f.53@np rcpps Vx,Wx");
        l.add("0f.53@f3 rcpss Vx,Wd");
        String[] logic = {"54 and", "55 andn", "56 or", "57 xor"};
        for (String a : logic) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + "@np " + t[1] + "ps Vx,Wx");
            l.add("0f." + t[0] + "@66 " + t[1] + "pd Vx,Wx");
        }
        l.add("0f.c6@np shufps Vx,Wx,Ib");
        l.add("0f.c6@66 shufpd Vx,Wx,Ib");
        l.add("0f.7c@66 haddpd Vx,Wx");
        l.add("0f.7c@f2 haddps Vx,Wx");
        l.add("0f.7d@66 hsubpd Vx,Wx");
        l.add("0f.7d@f2 hsubps Vx,Wx");
        l.add("0f.d0@66 addsubpd Vx,Wx");
        l.add("0f.d0@f2 addsubps Vx,Wx");
        // ------------------------------------------------------------------ 0F: MMX / SSE2 integer
        String[] lowUnpack = {"60 punpcklbw", "61 punpcklwd", "62 punpckldq"};
        for (String a : lowUnpack) {
            String[] t = a.split(" ");
            // the MMX forms read only the low half: objdump sizes the memory operand DWORD
            mmxSse(l, "0f." + t[0], t[1], "Qd", "");
        }
        String[] ints = {"63 packsswb", "64 pcmpgtb", "65 pcmpgtw", "66 pcmpgtd", "67 packuswb", "68 punpckhbw",
            "69 punpckhwd", "6a punpckhdq", "6b packssdw", "74 pcmpeqb", "75 pcmpeqw", "76 pcmpeqd", "d1 psrlw",
            "d2 psrld", "d3 psrlq", "d4 paddq", "d5 pmullw", "d8 psubusb", "d9 psubusw", "da pminub", "db pand",
            "dc paddusb", "dd paddusw", "de pmaxub", "df pandn", "e0 pavgb", "e1 psraw", "e2 psrad", "e3 pavgw",
            "e4 pmulhuw", "e5 pmulhw", "e8 psubsb", "e9 psubsw", "ea pminsw", "eb por", "ec paddsb", "ed paddsw",
            "ee pmaxsw", "ef pxor", "f1 psllw", "f2 pslld", "f3 psllq", "f4 pmuludq", "f5 pmaddwd", "f6 psadbw",
            "f8 psubb", "f9 psubw", "fa psubd", "fb psubq", "fc paddb", "fd paddw", "fe paddd"};
        for (String a : ints) {
            String[] t = a.split(" ");
            mmxSse(l, "0f." + t[0], t[1], "Qq", "");
        }
        l.add("0f.6c@66 punpcklqdq Vx,Wx");
        l.add("0f.6d@66 punpckhqdq Vx,Wx");
        l.add("0f.6e@np mov%K Pq,Edq");
        l.add("0f.6e@66 mov%K Vx,Edq");
        l.add("0f.7e@np mov%K Edq,Pq");
        l.add("0f.7e@66 mov%K Edq,Vx");
        l.add("0f.7e@f3 movq Vx,Wq");
        l.add("0f.6f@np movq Pq,Qq");
        l.add("0f.6f@66 movdqa Vx,Wx");
        l.add("0f.6f@f3 movdqu Vx,Wx");
        l.add("0f.7f@np movq Qq,Pq");
        l.add("0f.7f@66 movdqa Wx,Vx");
        l.add("0f.7f@f3 movdqu Wx,Vx");
        l.add("0f.d6@66 movq Wq,Vx");
        l.add("0f.d6:r@f3 movq2dq Vx,Nq");
        l.add("0f.d6:r@f2 movdq2q Pq,Ux");
        l.add("0f.70@np pshufw Pq,Qq,Ib");
        l.add("0f.70@66 pshufd Vx,Wx,Ib");
        l.add("0f.70@f3 pshufhw Vx,Wx,Ib");
        l.add("0f.70@f2 pshuflw Vx,Wx,Ib");
        String[] shifts = {"71/2 psrlw", "71/4 psraw", "71/6 psllw", "72/2 psrld", "72/4 psrad", "72/6 pslld",
            "73/2 psrlq", "73/6 psllq"};
        for (String a : shifts) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + ":r@np " + t[1] + " Nq,Ib");
            l.add("0f." + t[0] + ":r@66 " + t[1] + " Ux,Ib");
        }
        l.add("0f.73/3:r@66 psrldq Ux,Ib");
        l.add("0f.73/7:r@66 pslldq Ux,Ib");
        l.add("0f.c4@np pinsrw Pq,EdW,Ib");
        l.add("0f.c4@66 pinsrw Vx,EdW,Ib");
        l.add("0f.c5:r@np pextrw Gd,Nq,Ib");
        l.add("0f.c5:r@66 pextrw Gd,Ux,Ib");
        l.add("0f.d7:r@np pmovmskb Gdq,Nq");
        l.add("0f.d7:r@66 pmovmskb Gdq,Ux");
        l.add("0f.e7:m@np movntq Qq,Pq");
        l.add("0f.e7:m@66 movntdq Wx,Vx");
        l.add("0f.f0:m@f2 lddqu Vx,M");
        l.add("0f.f7:r@np maskmovq Pq,Nq");
        l.add("0f.f7:r@66 maskmovdqu Vx,Ux");
        l.add("0f.77 emms");
        // ------------------------------------------------------------------ 0F: others in between
        l.add("0f.c3:m@np movnti Edq,Gdq");
        l.add("0f.78@np vmread Em,Gm");
        l.add("0f.79@np vmwrite Gm,Em");
        l.add("0f.78:r@66 extrq Ux,Ib,Ib2");
        l.add("0f.78:r@f2 insertq Vx,Ux,Ib,Ib2");
        l.add("0f.79:r@66 extrq Vx,Ux");
        l.add("0f.79:r@f2 insertq Vx,Ux");
        l.add("0f.c7/1:m@np cmpxchg%8 Mq8");
        l.add("0f.c7/3:m@np xrstors%6 M");
        l.add("0f.c7/4:m@np xsavec%6 M");
        l.add("0f.c7/5:m@np xsaves%6 M");
        l.add("0f.c7/6:m@np vmptrld Mq");
        l.add("0f.c7/6:m@66 vmclear Mq");
        l.add("0f.c7/6:m@f3 vmxon Mq");
        l.add("0f.c7/7:m@np vmptrst Mq");
        l.add("0f.c7/6:r@np rdrand Ev");
        l.add("0f.c7/6:r@66 rdrand Ev");
        l.add("0f.c7/7:r@np rdseed Ev");
        l.add("0f.c7/7:r@66 rdseed Ev");
        l.add("0f.c7/6:r@f3 senduipi Rm");
        l.add("0f.c7/7:r@f3 rdpid Rm");
        // ------------------------------------------------------------------ 0F38
        String[] ssse3 = {"00 pshufb", "01 phaddw", "02 phaddd", "03 phaddsw", "04 pmaddubsw", "05 phsubw",
            "06 phsubd", "07 phsubsw", "08 psignb", "09 psignw", "0a psignd", "0b pmulhrsw", "1c pabsb", "1d pabsw",
            "1e pabsd"};
        for (String a : ssse3) {
            String[] t = a.split(" ");
            mmxSse(l, "0f38." + t[0], t[1], "Qq", "");
        }
        l.add("0f38.10@66 pblendvb Vx,Wx,XMM0");
        l.add("0f38.14@66 blendvps Vx,Wx,XMM0");
        l.add("0f38.15@66 blendvpd Vx,Wx,XMM0");
        String[] sse41 = {"17 ptest", "28 pmuldq", "29 pcmpeqq", "2b packusdw", "37 pcmpgtq", "38 pminsb",
            "39 pminsd", "3a pminuw", "3b pminud", "3c pmaxsb", "3d pmaxsd", "3e pmaxuw", "3f pmaxud", "40 pmulld",
            "41 phminposuw", "cf gf2p8mulb", "db aesimc", "dc aesenc", "dd aesenclast", "de aesdec",
            "df aesdeclast"};
        for (String a : sse41) {
            String[] t = a.split(" ");
            l.add("0f38." + t[0] + "@66 " + t[1] + " Vx,Wx");
        }
        l.add("0f38.2a:m@66 movntdqa Vx,Wx");
        String[] widen = {"20 bw Wq", "21 bd Wd", "22 bq Ww", "23 wd Wq", "24 wq Wd", "25 dq Wq"};
        for (String a : widen) {
            String[] t = a.split(" ");
            int op = Integer.parseInt(t[0], 16);
            l.add("0f38." + t[0] + "@66 pmovsx" + t[1] + " Vx," + t[2]);
            l.add("0f38." + Integer.toHexString(op + 0x10) + "@66 pmovzx" + t[1] + " Vx," + t[2]);
        }
        String[] sha = {"c8 sha1nexte", "c9 sha1msg1", "ca sha1msg2", "cc sha256msg1", "cd sha256msg2"};
        for (String a : sha) {
            String[] t = a.split(" ");
            l.add("0f38." + t[0] + "@np " + t[1] + " Vx,Wx");
        }
        l.add("0f38.cb@np sha256rnds2 Vx,Wx,XMM0");
        l.add("0f38.dc:m@f3 aesenc128kl Vx,M");
        l.add("0f38.dd:m@f3 aesdec128kl Vx,M");
        l.add("0f38.de:m@f3 aesenc256kl Vx,M");
        l.add("0f38.df:m@f3 aesdec256kl Vx,M");
        l.add("0f38.dc:r@f3 loadiwkey Vx,Ux");
        l.add("0f38.d8/0:m@f3 aesencwide128kl M");
        l.add("0f38.d8/1:m@f3 aesdecwide128kl M");
        l.add("0f38.d8/2:m@f3 aesencwide256kl M");
        l.add("0f38.d8/3:m@f3 aesdecwide256kl M");
        l.add("0f38.fa:r@f3 encodekey128 Gd,Ed");
        l.add("0f38.fb:r@f3 encodekey256 Gd,Ed");
        l.add("0f38.f5:m@66 wruss%K M,Gdq");
        l.add("0f38.f6:m@np wrss%K M,Gdq");
        l.add("0f38.f6@66 adcx Gdq,Edq");
        l.add("0f38.f6@f3 adox Gdq,Edq");
        l.add("0f38.f8:m@66 movdir64b Ga,M");
        l.add("0f38.f8:m@f3 enqcmds Ga,M");
        l.add("0f38.f8:m@f2 enqcmd Ga,M");
        l.add("0f38.f9:m@np movdiri Edq,Gdq");
        l.add("0f38.fc:m@np aadd Edq,Gdq");
        l.add("0f38.fc:m@66 aand Edq,Gdq");
        l.add("0f38.fc:m@f3 axor Edq,Gdq");
        l.add("0f38.fc:m@f2 aor Edq,Gdq");
        l.add("0f38.80:m@66 invept Gm,Mo");
        l.add("0f38.81:m@66 invvpid Gm,Mo");
        l.add("0f38.82:m@66 invpcid Gm,M");
        // ------------------------------------------------------------------ 0F3A
        String[] imm = {"08 roundps Wx", "09 roundpd Wx", "0a roundss Wd", "0b roundsd Wq", "0c blendps Wx",
            "0d blendpd Wx", "0e pblendw Wx", "21 insertps Wd", "40 dpps Wx", "41 dppd Wx", "42 mpsadbw Wx",
            "60 pcmpestrm%w Wx", "61 pcmpestri%w Wx", "62 pcmpistrm Wx", "63 pcmpistri Wx", "ce gf2p8affineqb Wx",
            "cf gf2p8affineinvqb Wx", "df aeskeygenassist Wx"};
        for (String a : imm) {
            String[] t = a.split(" ");
            l.add("0f3a." + t[0] + "@66 " + t[1] + " Vx," + t[2] + ",Ib");
        }
        mmxSse(l, "0f3a.0f", "palignr", "Qq", ",Ib");
        l.add("0f3a.14@66 pextrb EdB,Vx,Ib");
        l.add("0f3a.15@66 pextrw EdW,Vx,Ib");
        l.add("0f3a.16@66 pextr%K Edq,Vx,Ib");
        l.add("0f3a.17@66 extractps Ed,Vx,Ib");
        l.add("0f3a.20@66 pinsrb Vx,EdB,Ib");
        l.add("0f3a.22@66 pinsr%K Vx,Edq,Ib");
        l.add("0f3a.44@66 pclmul%Xdq Vx,Wx,Iclmul");
        l.add("0f3a.cc@np sha1rnds4 Vx,Wx,Ib");
        MAPS = Ops.build(l.toArray(new String[0]));
    }
}
