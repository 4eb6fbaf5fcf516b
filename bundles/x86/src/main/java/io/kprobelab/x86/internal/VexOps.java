package io.kprobelab.x86.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Text of the VEX-encoded (C4/C5) instructions of maps 1..3: AVX, AVX2, FMA, F16C, VAES,
 * VPCLMULQDQ, GFNI, BMI1/BMI2 and CMPccXADD, in {@link Ops}'s line format ({@code 0f.}, {@code 0f38.}
 * and {@code 0f3a.} name maps 1, 2 and 3; {@code @np/@66/@f3/@f2} is VEX.pp).
 *
 * <p>Like {@link VectorOps} this table is read by the formatter only, for instructions the decoder
 * found valid from the measured tables: which L and W values are valid is not repeated here.
 *
 * <p>Operand codes, on top of {@link VectorOps}'s: the {@code x} forms ({@code Vx}, {@code Hx},
 * {@code Ux}, {@code Wx}) are xmm or ymm by VEX.L (XMMWORD/YMMWORD PTR), the {@code o} forms
 * ({@code Vo}, {@code Ho}, {@code Uo}, {@code Wo}) always xmm/XMMWORD; {@code H} is the register
 * in VEX.vvvv; {@code Wb} xmm or BYTE memory; {@code Wh}, {@code Wqr}, {@code We} an xmm register
 * or memory of half, a quarter or an eighth of the vector length (QWORD/XMMWORD, DWORD/QWORD,
 * WORD/DWORD); {@code Wdup} vmovddup's QWORD/YMMWORD; {@code Wsd} DWORD or QWORD by VEX.W (FMA
 * scalars); {@code Lx} the register in imm8[7:4]; {@code Hdq} a general register in vvvv, 32/64
 * by VEX.W; {@code Md} DWORD memory; {@code MVd}/{@code MVq} the VSIB memory operand of the
 * gathers with dword or qword indices and {@code Vq}/{@code Hq} their destination and mask;
 * {@code F4a}/{@code F4b} + x/d/q the third and fourth operands of FMA4 (the ModRM operand,
 * sized x/d/q, and the imm8[7:4] register, in an order VEX.W picks); {@code KR}, {@code KV},
 * {@code KM} mask registers from ModRM.reg, vvvv and ModRM.rm, {@code KEwq}/{@code KEbd} a mask
 * register or memory sized WORD/QWORD or BYTE/DWORD by VEX.W; {@code TR}, {@code TV},
 * {@code TM} AMX tile registers; {@code I4} the low four bits of imm8 (vpermil2ps).
 * Mnemonic macros: {@code [a|b]} picks by VEX.W, {@code (a|b)} by VEX.L; {@code %C} folds all 32
 * AVX compare predicates; {@code %v} is objdump's {@code {vex} } mark on the VEX forms of
 * instructions that also have an EVEX form (AVX-VNNI, AVX-IFMA).
 */
public final class VexOps {

    private VexOps() {
    }

    /** Returns the entry of an opcode of VEX map 1..3, or null when the table has no text for it. */
    public static Ops.Entry entry(int map, int opcode) {
        return map >= 1 && map <= 3 ? MAPS[map][opcode] : null;
    }

    private static final Ops.Entry[][] MAPS;

    /** Packed single, packed double, scalar single, scalar double: suffix, pp and memory size. */
    private static final String[][] PSD = {
        {"ps", "np", "Wx"}, {"pd", "66", "Wx"}, {"ss", "f3", "Wd"}, {"sd", "f2", "Wq"}};

    static {
        List<String> l = new ArrayList<>();
        // ------------------------------------------------------------------ map 1 (0F): moves
        l.add("0f.10@np vmovups Vx,Wx");
        l.add("0f.10@66 vmovupd Vx,Wx");
        l.add("0f.10:m@f3 vmovss Vo,Wd");
        l.add("0f.10:m@f2 vmovsd Vo,Wq");
        l.add("0f.10:r@f3 vmovss Vo,Ho,Uo");
        l.add("0f.10:r@f2 vmovsd Vo,Ho,Uo");
        l.add("0f.11@np vmovups Wx,Vx");
        l.add("0f.11@66 vmovupd Wx,Vx");
        l.add("0f.11:m@f3 vmovss Wd,Vo");
        l.add("0f.11:m@f2 vmovsd Wq,Vo");
        // the register store form names its destination by VEX.L (objdump's own choice)
        l.add("0f.11:r@f3 vmovss Ux,Ho,Vo");
        l.add("0f.11:r@f2 vmovsd Ux,Ho,Vo");
        l.add("0f.12:m@np vmovlps Vo,Ho,Wq");
        l.add("0f.12:r@np vmovhlps Vo,Ho,Uo");
        l.add("0f.12:m@66 vmovlpd Vo,Ho,Wq");
        l.add("0f.12@f3 vmovsldup Vx,Wx");
        l.add("0f.12@f2 vmovddup Vx,Wdup");
        l.add("0f.13:m@np vmovlps Wq,Vo");
        l.add("0f.13:m@66 vmovlpd Wq,Vo");
        l.add("0f.14@np vunpcklps Vx,Hx,Wx");
        l.add("0f.14@66 vunpcklpd Vx,Hx,Wx");
        l.add("0f.15@np vunpckhps Vx,Hx,Wx");
        l.add("0f.15@66 vunpckhpd Vx,Hx,Wx");
        l.add("0f.16:m@np vmovhps Vo,Ho,Wq");
        l.add("0f.16:r@np vmovlhps Vo,Ho,Uo");
        l.add("0f.16:m@66 vmovhpd Vo,Ho,Wq");
        l.add("0f.16@f3 vmovshdup Vx,Wx");
        l.add("0f.17:m@np vmovhps Wq,Vo");
        l.add("0f.17:m@66 vmovhpd Wq,Vo");
        l.add("0f.28@np vmovaps Vx,Wx");
        l.add("0f.28@66 vmovapd Vx,Wx");
        l.add("0f.29@np vmovaps Wx,Vx");
        l.add("0f.29@66 vmovapd Wx,Vx");
        l.add("0f.2b:m@np vmovntps Wx,Vx");
        l.add("0f.2b:m@66 vmovntpd Wx,Vx");
        l.add("0f.e7:m@66 vmovntdq Wx,Vx");
        l.add("0f.f0:m@f2 vlddqu Vx,M");
        l.add("0f.6e@66 vmov%K Vo,Edq");
        l.add("0f.7e@66 vmov%K Edq,Vo");
        l.add("0f.7e@f3 vmovq Vo,Wq");
        l.add("0f.d6@66 vmovq Wq,Vo");
        l.add("0f.6f@66 vmovdqa Vx,Wx");
        l.add("0f.6f@f3 vmovdqu Vx,Wx");
        l.add("0f.7f@66 vmovdqa Wx,Vx");
        l.add("0f.7f@f3 vmovdqu Wx,Vx");
        l.add("0f.50:r@np vmovmskps Gdq,Ux");
        l.add("0f.50:r@66 vmovmskpd Gdq,Ux");
        l.add("0f.d7:r@66 vpmovmskb Gdq,Ux");
        l.add("0f.f7:r@66 vmaskmovdqu Vo,Uo");
        l.add("0f.77 vzero(upper|all)");
        l.add("0f.ae/2:m vldmxcsr Md");
        l.add("0f.ae/3:m vstmxcsr Md");
        // ------------------------------------------------------------------ map 1: conversions, compares
        l.add("0f.2a@f3 vcvtsi2ss Vo,Ho,Edq");
        l.add("0f.2a@f2 vcvtsi2sd Vo,Ho,Edq");
        l.add("0f.2c@f3 vcvttss2si Gdq,Wd");
        l.add("0f.2c@f2 vcvttsd2si Gdq,Wq");
        l.add("0f.2d@f3 vcvtss2si Gdq,Wd");
        l.add("0f.2d@f2 vcvtsd2si Gdq,Wq");
        l.add("0f.2e@np vucomiss Vo,Wd");
        l.add("0f.2e@66 vucomisd Vo,Wq");
        l.add("0f.2f@np vcomiss Vo,Wd");
        l.add("0f.2f@66 vcomisd Vo,Wq");
        l.add("0f.5a@np vcvtps2pd Vx,Wh");
        l.add("0f.5a@66 vcvtpd2ps Vo,Wx");
        l.add("0f.5a@f3 vcvtss2sd Vo,Ho,Wd");
        l.add("0f.5a@f2 vcvtsd2ss Vo,Ho,Wq");
        l.add("0f.5b@np vcvtdq2ps Vx,Wx");
        l.add("0f.5b@66 vcvtps2dq Vx,Wx");
        l.add("0f.5b@f3 vcvttps2dq Vx,Wx");
        l.add("0f.e6@66 vcvttpd2dq Vo,Wx");
        l.add("0f.e6@f3 vcvtdq2pd Vx,Wh");
        l.add("0f.e6@f2 vcvtpd2dq Vo,Wx");
        l.add("0f.c2@np vcmp%Cps Vx,Hx,Wx,Icmp");
        l.add("0f.c2@66 vcmp%Cpd Vx,Hx,Wx,Icmp");
        l.add("0f.c2@f3 vcmp%Css Vo,Ho,Wd,Icmp");
        l.add("0f.c2@f2 vcmp%Csd Vo,Ho,Wq,Icmp");
        // ------------------------------------------------------------------ map 1: arithmetic
        String[] arith = {"58 add", "59 mul", "5c sub", "5d min", "5e div", "5f max"};
        for (String a : arith) {
            String[] t = a.split(" ");
            for (String[] p : PSD) {
                boolean packed = p[0].charAt(0) == 'p';
                l.add("0f." + t[0] + "@" + p[1] + " v" + t[1] + p[0] + (packed ? " Vx,Hx," : " Vo,Ho,") + p[2]);
            }
        }
        l.add("0f.51@np vsqrtps Vx,Wx");
        l.add("0f.51@66 vsqrtpd Vx,Wx");
        l.add("0f.51@f3 vsqrtss Vo,Ho,Wd");
        l.add("0f.51@f2 vsqrtsd Vo,Ho,Wq");
        l.add("0f.52@np vrsqrtps Vx,Wx");
        l.add("0f.52@f3 vrsqrtss Vo,Ho,Wd");
        l.add("0f.53@np vrcpps Vx,Wx");
        l.add("0f.53@f3 vrcpss Vo,Ho,Wd");
        String[] logic = {"54 vand", "55 vandn", "56 vor", "57 vxor"};
        for (String a : logic) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + "@np " + t[1] + "ps Vx,Hx,Wx");
            l.add("0f." + t[0] + "@66 " + t[1] + "pd Vx,Hx,Wx");
        }
        l.add("0f.c6@np vshufps Vx,Hx,Wx,Ib");
        l.add("0f.c6@66 vshufpd Vx,Hx,Wx,Ib");
        l.add("0f.7c@66 vhaddpd Vx,Hx,Wx");
        l.add("0f.7c@f2 vhaddps Vx,Hx,Wx");
        l.add("0f.7d@66 vhsubpd Vx,Hx,Wx");
        l.add("0f.7d@f2 vhsubps Vx,Hx,Wx");
        l.add("0f.d0@66 vaddsubpd Vx,Hx,Wx");
        l.add("0f.d0@f2 vaddsubps Vx,Hx,Wx");
        // ------------------------------------------------------------------ map 1: integer
        String[] ints = {"60 punpcklbw", "61 punpcklwd", "62 punpckldq", "63 packsswb", "64 pcmpgtb", "65 pcmpgtw",
            "66 pcmpgtd", "67 packuswb", "68 punpckhbw", "69 punpckhwd", "6a punpckhdq", "6b packssdw",
            "6c punpcklqdq", "6d punpckhqdq", "74 pcmpeqb", "75 pcmpeqw", "76 pcmpeqd", "d4 paddq", "d5 pmullw",
            "d8 psubusb", "d9 psubusw", "da pminub", "db pand", "dc paddusb", "dd paddusw", "de pmaxub", "df pandn",
            "e0 pavgb", "e3 pavgw", "e4 pmulhuw", "e5 pmulhw", "e8 psubsb", "e9 psubsw", "ea pminsw", "eb por",
            "ec paddsb", "ed paddsw", "ee pmaxsw", "ef pxor", "f4 pmuludq", "f5 pmaddwd", "f6 psadbw", "f8 psubb",
            "f9 psubw", "fa psubd", "fb psubq", "fc paddb", "fd paddw", "fe paddd"};
        for (String a : ints) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + "@66 v" + t[1] + " Vx,Hx,Wx");
        }
        // shifts by a count in an xmm register or XMMWORD, whatever the vector length
        String[] countShifts = {"d1 psrlw", "d2 psrld", "d3 psrlq", "e1 psraw", "e2 psrad", "f1 psllw", "f2 pslld",
            "f3 psllq"};
        for (String a : countShifts) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + "@66 v" + t[1] + " Vx,Hx,Wo");
        }
        String[] immShifts = {"71/2 psrlw", "71/4 psraw", "71/6 psllw", "72/2 psrld", "72/4 psrad", "72/6 pslld",
            "73/2 psrlq", "73/3 psrldq", "73/6 psllq", "73/7 pslldq"};
        for (String a : immShifts) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + ":r@66 v" + t[1] + " Hx,Ux,Ib");
        }
        l.add("0f.70@66 vpshufd Vx,Wx,Ib");
        l.add("0f.70@f3 vpshufhw Vx,Wx,Ib");
        l.add("0f.70@f2 vpshuflw Vx,Wx,Ib");
        l.add("0f.c4@66 vpinsrw Vo,Ho,EdW,Ib");
        l.add("0f.c5:r@66 vpextrw Gd,Uo,Ib");
        // ------------------------------------------------------------------ map 2 (0F38)
        String[] m2 = {"00 pshufb", "01 phaddw", "02 phaddd", "03 phaddsw", "04 pmaddubsw", "05 phsubw", "06 phsubd",
            "07 phsubsw", "08 psignb", "09 psignw", "0a psignd", "0b pmulhrsw", "0c permilps", "0d permilpd",
            "16 permps", "28 pmuldq", "29 pcmpeqq", "2b packusdw", "36 permd", "37 pcmpgtq", "38 pminsb", "39 pminsd",
            "3a pminuw", "3b pminud", "3c pmaxsb", "3d pmaxsd", "3e pmaxuw", "3f pmaxud", "40 pmulld", "46 psravd",
            "cf gf2p8mulb", "dc aesenc", "dd aesenclast", "de aesdec", "df aesdeclast"};
        for (String a : m2) {
            String[] t = a.split(" ");
            l.add("0f38." + t[0] + "@66 v" + t[1] + " Vx,Hx,Wx");
        }
        l.add("0f38.45@66 vpsrlv[d|q] Vx,Hx,Wx");
        l.add("0f38.47@66 vpsllv[d|q] Vx,Hx,Wx");
        String[] m2u = {"0e testps", "0f testpd", "17 ptest", "1c pabsb", "1d pabsw", "1e pabsd"};
        for (String a : m2u) {
            String[] t = a.split(" ");
            l.add("0f38." + t[0] + "@66 v" + t[1] + " Vx,Wx");
        }
        l.add("0f38.2a:m@66 vmovntdqa Vx,Wx");
        l.add("0f38.41@66 vphminposuw Vo,Wo");
        l.add("0f38.db@66 vaesimc Vo,Wo");
        l.add("0f38.13@66 vcvtph2ps Vx,Wh");
        l.add("0f38.18@66 vbroadcastss Vx,Wd");
        l.add("0f38.19@66 vbroadcastsd Vx,Wq");
        l.add("0f38.1a:m@66 vbroadcastf128 Vx,Wo");
        l.add("0f38.5a:m@66 vbroadcasti128 Vx,Wo");
        l.add("0f38.58@66 vpbroadcastd Vx,Wd");
        l.add("0f38.59@66 vpbroadcastq Vx,Wq");
        l.add("0f38.78@66 vpbroadcastb Vx,Wb");
        l.add("0f38.79@66 vpbroadcastw Vx,Ww");
        String[] widen = {"20 bw Wh", "21 bd Wqr", "22 bq We", "23 wd Wh", "24 wq Wqr", "25 dq Wh"};
        for (String a : widen) {
            String[] t = a.split(" ");
            int op = Integer.parseInt(t[0], 16);
            l.add("0f38." + t[0] + "@66 vpmovsx" + t[1] + " Vx," + t[2]);
            l.add("0f38." + Integer.toHexString(op + 0x10) + "@66 vpmovzx" + t[1] + " Vx," + t[2]);
        }
        l.add("0f38.2c:m@66 vmaskmovps Vx,Hx,Wx");
        l.add("0f38.2d:m@66 vmaskmovpd Vx,Hx,Wx");
        l.add("0f38.2e:m@66 vmaskmovps Wx,Hx,Vx");
        l.add("0f38.2f:m@66 vmaskmovpd Wx,Hx,Vx");
        l.add("0f38.8c:m@66 vpmaskmov[d|q] Vx,Hx,Wx");
        l.add("0f38.8e:m@66 vpmaskmov[d|q] Wx,Hx,Vx");
        l.add("0f38.90:m@66 vpgatherd[d|q] Vx,MVd,Hx");
        l.add("0f38.91:m@66 vpgatherq[d|q] Vq,MVq,Hq");
        l.add("0f38.92:m@66 vgatherdp[s|d] Vx,MVd,Hx");
        l.add("0f38.93:m@66 vgatherqp[s|d] Vq,MVq,Hq");
        // FMA: 132/213/231 forms, packed and scalar, single or double by VEX.W
        String[] fma = {"6 fmaddsub", "7 fmsubadd", "8 fmadd", "a fmsub", "c fnmadd", "e fnmsub"};
        String[] order = {"9 132", "a 213", "b 231"};
        for (String o : order) {
            String[] r = o.split(" ");
            for (String a : fma) {
                String[] t = a.split(" ");
                l.add("0f38." + r[0] + t[0] + "@66 v" + t[1] + r[1] + "p[s|d] Vx,Hx,Wx");
                if (t[0].compareTo("8") >= 0) {
                    String scalarOp = Integer.toHexString(Integer.parseInt(r[0] + t[0], 16) + 1);
                    l.add("0f38." + scalarOp + "@66 v" + t[1] + r[1] + "s[s|d] Vo,Ho,Wsd");
                }
            }
        }
        // AVX-VNNI, AVX-IFMA, AVX-NE-CONVERT: objdump marks the VEX forms of AVX-512 mnemonics {vex}
        l.add("0f38.50@66 %vvpdpbusd Vx,Hx,Wx");
        l.add("0f38.51@66 %vvpdpbusds Vx,Hx,Wx");
        l.add("0f38.52@66 %vvpdpwssd Vx,Hx,Wx");
        l.add("0f38.53@66 %vvpdpwssds Vx,Hx,Wx");
        l.add("0f38.50@np vpdpbuud Vx,Hx,Wx");
        l.add("0f38.50@f3 vpdpbsud Vx,Hx,Wx");
        l.add("0f38.50@f2 vpdpbssd Vx,Hx,Wx");
        l.add("0f38.51@np vpdpbuuds Vx,Hx,Wx");
        l.add("0f38.51@f3 vpdpbsuds Vx,Hx,Wx");
        l.add("0f38.51@f2 vpdpbssds Vx,Hx,Wx");
        l.add("0f38.b4@66 %vvpmadd52luq Vx,Hx,Wx");
        l.add("0f38.b5@66 %vvpmadd52huq Vx,Hx,Wx");
        l.add("0f38.72@f3 %vvcvtneps2bf16 Vo,Wx");
        l.add("0f38.b0:m@np vcvtneoph2ps Vx,Wx");
        l.add("0f38.b0:m@66 vcvtneeph2ps Vx,Wx");
        l.add("0f38.b0:m@f3 vcvtneebf162ps Vx,Wx");
        l.add("0f38.b0:m@f2 vcvtneobf162ps Vx,Wx");
        l.add("0f38.b1:m@66 vbcstnesh2ps Vx,Ww");
        l.add("0f38.b1:m@f3 vbcstnebf162ps Vx,Ww");
        // BMI1, BMI2, CMPccXADD: general registers, 32/64 by VEX.W
        l.add("0f38.f2@np andn Gdq,Hdq,Edq");
        l.add("0f38.f3/1@np blsr Hdq,Edq");
        l.add("0f38.f3/2@np blsmsk Hdq,Edq");
        l.add("0f38.f3/3@np blsi Hdq,Edq");
        l.add("0f38.f5@np bzhi Gdq,Edq,Hdq");
        l.add("0f38.f5@f3 pext Gdq,Hdq,Edq");
        l.add("0f38.f5@f2 pdep Gdq,Hdq,Edq");
        l.add("0f38.f6@f2 mulx Gdq,Hdq,Edq");
        l.add("0f38.f7@np bextr Gdq,Edq,Hdq");
        l.add("0f38.f7@66 shlx Gdq,Edq,Hdq");
        l.add("0f38.f7@f3 sarx Gdq,Edq,Hdq");
        l.add("0f38.f7@f2 shrx Gdq,Edq,Hdq");
        String[] cc = {"o", "no", "b", "nb", "z", "nz", "be", "nbe", "s", "ns", "p", "np", "l", "nl", "le", "nle"};
        for (int i = 0; i < 16; i++) {
            l.add("0f38.e" + Integer.toHexString(i) + ":m@66 cmp" + cc[i] + "xadd Edq,Gdq,Hdq");
        }
        // ------------------------------------------------------------------ map 3 (0F3A)
        l.add("0f3a.00@66 vpermq Vx,Wx,Ib");
        l.add("0f3a.01@66 vpermpd Vx,Wx,Ib");
        l.add("0f3a.04@66 vpermilps Vx,Wx,Ib");
        l.add("0f3a.05@66 vpermilpd Vx,Wx,Ib");
        l.add("0f3a.08@66 vroundps Vx,Wx,Ib");
        l.add("0f3a.09@66 vroundpd Vx,Wx,Ib");
        l.add("0f3a.0a@66 vroundss Vo,Ho,Wd,Ib");
        l.add("0f3a.0b@66 vroundsd Vo,Ho,Wq,Ib");
        String[] m3 = {"02 pblendd", "06 perm2f128", "0c blendps", "0d blendpd", "0e pblendw", "0f palignr",
            "40 dpps", "42 mpsadbw", "46 perm2i128", "ce gf2p8affineqb", "cf gf2p8affineinvqb"};
        for (String a : m3) {
            String[] t = a.split(" ");
            l.add("0f3a." + t[0] + "@66 v" + t[1] + " Vx,Hx,Wx,Ib");
        }
        l.add("0f3a.41@66 vdppd Vo,Ho,Wo,Ib");
        l.add("0f3a.44@66 vpclmul%Xdq Vx,Hx,Wx,Iclmul");
        l.add("0f3a.4a@66 vblendvps Vx,Hx,Wx,Lx");
        l.add("0f3a.4b@66 vblendvpd Vx,Hx,Wx,Lx");
        l.add("0f3a.4c@66 vpblendvb Vx,Hx,Wx,Lx");
        l.add("0f3a.14@66 vpextrb EdB,Vo,Ib");
        l.add("0f3a.15@66 vpextrw EdW,Vo,Ib");
        l.add("0f3a.16@66 vpextr%K Edq,Vo,Ib");
        l.add("0f3a.17@66 vextractps Ed,Vo,Ib");
        l.add("0f3a.20@66 vpinsrb Vo,Ho,EdB,Ib");
        l.add("0f3a.21@66 vinsertps Vo,Ho,Wd,Ib");
        l.add("0f3a.22@66 vpinsr%K Vo,Ho,Edq,Ib");
        l.add("0f3a.18@66 vinsertf128 Vx,Hx,Wo,Ib");
        l.add("0f3a.38@66 vinserti128 Vx,Hx,Wo,Ib");
        l.add("0f3a.19@66 vextractf128 Wo,Vx,Ib");
        l.add("0f3a.39@66 vextracti128 Wo,Vx,Ib");
        l.add("0f3a.1d@66 vcvtps2ph Wh,Vx,Ib");
        l.add("0f3a.60@66 vpcmpestrm%w Vo,Wo,Ib");
        l.add("0f3a.61@66 vpcmpestri%w Vo,Wo,Ib");
        l.add("0f3a.62@66 vpcmpistrm Vo,Wo,Ib");
        l.add("0f3a.63@66 vpcmpistri Vo,Wo,Ib");
        l.add("0f3a.df@66 vaeskeygenassist Vo,Wo,Ib");
        l.add("0f3a.f0@f2 rorx Gdq,Edq,Ib");
        // AMD FMA4: VEX.W swaps which of the two sources is the ModRM operand
        String[] fma4 = {"5c fmaddsubp", "5e fmsubaddp", "68 fmaddp", "6a fmadds", "6c fmsubp", "6e fmsubs",
            "78 fnmaddp", "7a fnmadds", "7c fnmsubp", "7e fnmsubs"};
        for (String a : fma4) {
            String[] t = a.split(" ");
            int op = Integer.parseInt(t[0], 16);
            boolean scalar = t[1].endsWith("s");
            String k1 = scalar ? "d" : "x";
            String k2 = scalar ? "q" : "x";
            String dst = scalar ? " Vo,Ho," : " Vx,Hx,";
            l.add("0f3a." + t[0] + "@66 v" + t[1] + "s" + dst + "F4a" + k1 + ",F4b" + k1);
            l.add("0f3a." + Integer.toHexString(op + 1) + "@66 v" + t[1] + "d" + dst + "F4a" + k2 + ",F4b" + k2);
        }
        l.add("0f3a.48@66 vpermil2ps Vx,Hx,F4ax,F4bx,I4");
        l.add("0f3a.49@66 vpermil2pd Vx,Hx,F4ax,F4bx,I4");
        // AVX-512 mask-register instructions in VEX form, and AMX tiles
        String[] kops = {"41 kand", "42 kandn", "45 kor", "46 kxnor", "47 kxor", "4a kadd"};
        for (String a : kops) {
            String[] t = a.split(" ");
            l.add("0f." + t[0] + ":r@np " + t[1] + "[w|q] KR,KV,KM");
            l.add("0f." + t[0] + ":r@66 " + t[1] + "[b|d] KR,KV,KM");
        }
        l.add("0f.44:r@np knot[w|q] KR,KM");
        l.add("0f.44:r@66 knot[b|d] KR,KM");
        l.add("0f.4b:r@np kunpck[wd|dq] KR,KV,KM");
        l.add("0f.4b:r@66 kunpckbw KR,KV,KM");
        l.add("0f.90@np kmov[w|q] KR,KEwq");
        l.add("0f.90@66 kmov[b|d] KR,KEbd");
        l.add("0f.91:m@np kmov[w|q] KEwq,KR");
        l.add("0f.91:m@66 kmov[b|d] KEbd,KR");
        l.add("0f.92:r@np kmovw KR,Ed");
        l.add("0f.92:r@66 kmovb KR,Ed");
        l.add("0f.92:r@f2 kmov[d|q] KR,Edq");
        l.add("0f.93:r@np kmovw Gd,KM");
        l.add("0f.93:r@66 kmovb Gd,KM");
        l.add("0f.93:r@f2 kmov[d|q] Gdq,KM");
        l.add("0f.98:r@np kortest[w|q] KR,KM");
        l.add("0f.98:r@66 kortest[b|d] KR,KM");
        l.add("0f.99:r@np ktest[w|q] KR,KM");
        l.add("0f.99:r@66 ktest[b|d] KR,KM");
        l.add("0f3a.30:r@66 kshiftr[b|w] KR,KM,Ib");
        l.add("0f3a.31:r@66 kshiftr[d|q] KR,KM,Ib");
        l.add("0f3a.32:r@66 kshiftl[b|w] KR,KM,Ib");
        l.add("0f3a.33:r@66 kshiftl[d|q] KR,KM,Ib");
        l.add("0f38.49:m@np ldtilecfg M");
        l.add("0f38.49:m@66 sttilecfg M");
        l.add("0f38.49:r@np tilerelease");
        l.add("0f38.49:r@f2 tilezero TR");
        l.add("0f38.4b:m@f2 tileloadd TR,M");
        l.add("0f38.4b:m@66 tileloaddt1 TR,M");
        l.add("0f38.4b:m@f3 tilestored M,TR");
        l.add("0f38.5c:r@f3 tdpbf16ps TR,TM,TV");
        l.add("0f38.5c:r@f2 tdpfp16ps TR,TM,TV");
        l.add("0f38.5e:r@np tdpbuud TR,TM,TV");
        l.add("0f38.5e:r@66 tdpbusd TR,TM,TV");
        l.add("0f38.5e:r@f3 tdpbsud TR,TM,TV");
        l.add("0f38.5e:r@f2 tdpbssd TR,TM,TV");
        MAPS = Ops.build(l.toArray(new String[0]));
    }
}
