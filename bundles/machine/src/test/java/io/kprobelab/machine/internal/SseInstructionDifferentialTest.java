package io.kprobelab.machine.internal;

import io.kprobelab.machine.internal.NativeOracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every SSE/SSE2 form the interpreter implements against this host CPU ({@link NativeOracle}
 * with XMM0-15 and MXCSR in and out): lane edge values of every width in every register,
 * register and memory forms, REX-extended registers, aligned and misaligned 16-byte operands
 * (a fault is compared by signal, RIP, #GP or #PF with its address, and the whole state at the
 * fault), page-crossing accesses that fault (no half-written store), RIP-relative operands,
 * every shift count 0..130 plus huge ones for the XMM-count
 * shifts and every imm8 for the immediate shifts and shuffles, the prefix combinations that
 * select a form (66 with F3, F2 with F3, REX.W, LOCK), and random sequences mixing SSE and
 * integer instructions. Every flag is compared (SSE integer instructions change none), but on a
 * host that is not AMD the flags the random sequences' XOR and IMUL leave undefined.
 * Every case says whether it is meant to fault, and one that faults otherwise, or does not when
 * meant to, fails the test: a case that faults alike on both sides is compared only up to the fault.
 *
 * <p>Not compared natively, because this host differs from the emulated CPU by design: MMX,
 * SSE3 and later (the host runs them, the emulator raises #UD) and MXCSR.MM (bit 17, AMD's
 * misaligned-SSE mode, which this host's LDMXCSR accepts and the emulator does not).
 */
class SseInstructionDifferentialTest {

    static final long ALL = NativeOracle.ARITH_DF;

    final Random rnd = new Random(0x55E2L);
    final List<Case> cases = new ArrayList<>();

    /** Packed two-operand forms (xmm, xmm/m128, aligned memory). */
    static final String[] PACKED = {"punpcklbw", "punpcklwd", "punpckldq", "packsswb", "pcmpgtb", "pcmpgtw",
        "pcmpgtd", "packuswb", "punpckhbw", "punpckhwd", "punpckhdq", "packssdw", "punpcklqdq", "punpckhqdq",
        "pcmpeqb", "pcmpeqw", "pcmpeqd", "paddq", "pmullw", "psubusb", "psubusw", "pminub", "pand", "paddusb",
        "paddusw", "pmaxub", "pandn", "pavgb", "pavgw", "pmulhuw", "pmulhw", "psubsb", "psubsw", "pminsw", "por",
        "paddsb", "paddsw", "pmaxsw", "pxor", "pmuludq", "pmaddwd", "psadbw", "psubb", "psubw", "psubd", "psubq",
        "paddb", "paddw", "paddd", "andps", "andnps", "orps", "xorps", "andpd", "andnpd", "orpd", "xorpd",
        "unpcklps", "unpckhps", "unpcklpd", "unpckhpd"};
    static final String[] SHIFTS = {"psrlw", "psrld", "psrlq", "psraw", "psrad", "psllw", "pslld", "psllq"};
    static final String[] SHUFFLES = {"pshufd", "pshuflw", "pshufhw", "shufps", "shufpd"};

    // ------------------------------------------------------------------ values

    /** An edge value (or a random one) of a {@code bits}-wide lane, in its low bits. */
    long lane(int bits) {
        long top = 1L << (bits - 1);
        long m = bits == 64 ? -1L : (1L << bits) - 1;
        long[] e = {0, 1, 2, m, m - 1, top, top - 1, top + 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
            0x5555555555555555L, 0xaaaaaaaaaaaaaaaaL};
        int k = rnd.nextInt(e.length + 5);
        return (k < e.length ? e[k] : rnd.nextLong()) & m;
    }

    /** 128 bits made of lanes of one width, edge values in most of them. */
    long[] value128() {
        int bits = 8 << rnd.nextInt(4);
        long[] q = new long[2];
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 64; i += bits) {
                q[h] |= lane(bits) << i;
            }
        }
        if (rnd.nextInt(6) == 0) {
            q[rnd.nextInt(2)] = rnd.nextLong();
        }
        return q;
    }

    long[] xmm() {
        long[] x = new long[32];
        for (int i = 0; i < 16; i++) {
            long[] v = value128();
            x[2 * i] = v[0];
            x[2 * i + 1] = v[1];
        }
        return x;
    }

    /** RBX, RSP and RBP point into the data buffer (all 16-byte aligned), the rest random. */
    long[] regs() {
        long[] r = new long[16];
        for (int i = 0; i < 16; i++) {
            r[i] = rnd.nextInt(3) == 0 ? lane(32) : rnd.nextLong();
        }
        return NativeOracle.withDataPointers(r);
    }

    /** Whether the cases being added are meant to fault (see {@link Case#mustFault}). */
    boolean mustFault;

    void add(String asm, long[] regs, long[] xmm) {
        add(asm, regs, xmm, ALL);
    }

    /** Adds a case comparing {@code sdmMask} (the SDM-defined flags), or every flag on an AMD host. */
    void add(String asm, long[] regs, long[] xmm, long sdmMask) {
        long mask = HostCpu.exactFlags() ? ALL : sdmMask;
        Case c = new Case(asm, regs, NativeOracle.randomFlags(rnd), mask, xmm, NativeOracle.MXCSR_DEFAULT);
        c.mustFault = mustFault;
        cases.add(c);
        maskedCases += mask == ALL ? 0 : 1;
    }

    /** Cases comparing fewer than every flag (on a host that is not AMD, the random sequences). */
    int maskedCases;

    /** Runs {@code adds} with the cases it adds meant to fault. */
    void faulting(Runnable adds) {
        mustFault = true;
        try {
            adds.run();
        } finally {
            mustFault = false;
        }
    }

    void add(String asm, int n) {
        for (int i = 0; i < n; i++) {
            add(asm, regs(), xmm());
        }
    }

    static String x(int n) {
        return "xmm" + n;
    }

    int pick() {
        return rnd.nextInt(16);
    }

    /** A GPR that holds no pointer. */
    int free() {
        return InstructionDifferentialTest.FREE[rnd.nextInt(InstructionDifferentialTest.FREE.length)];
    }

    static String gpr(int width, int n) {
        return InstructionDifferentialTest.reg(width, n);
    }

    /** An aligned offset from RBX for memory operands (16..0x7f0). */
    int alignedOffset() {
        return 16 * (1 + rnd.nextInt(127));
    }

    // ------------------------------------------------------------------ forms

    void packed() {
        for (String op : PACKED) {
            for (int k = 0; k < 40; k++) {
                add(op + " " + x(pick()) + ", " + x(pick()), 1);
            }
            int d = pick();
            add(op + " " + x(d) + ", " + x(d), 3);
            add(op + " xmm0, xmm15", 3);
            add(op + " xmm9, xmm2", 3);
            int off = alignedOffset();
            add(op + " " + x(pick()) + ", xmmword ptr [rbx+" + off + "]", 3);
            add("movdqa xmmword ptr [rbx+" + off + "], " + x(pick()) + "; " + op + " " + x(pick())
                    + ", xmmword ptr [rbx+" + off + "]", 8);
            add(op + " xmm12, xmmword ptr [rsp+rax*2+0x20]", regsWith(0, 0x40), xmm());
            for (int mis : new int[] {1, 4, 8, 15}) {
                faulting(() -> add(op + " " + x(pick()) + ", xmmword ptr [rbx+" + (off + mis) + "]", 1)); // #GP(0)
            }
        }
    }

    long[] regsWith(int reg, long value) {
        long[] r = regs();
        r[reg] = value;
        return r;
    }

    void shifts() {
        long[] huge = {64, 65, 127, 128, 129, 130, 255, 256, 0x100000000L, 0x100000001L, 0x8000000000000000L, -1,
            0x10000000000000fL};
        for (String op : SHIFTS) {
            for (long count = 0; count <= 130; count++) {
                shiftCase(op, count);
            }
            for (long count : huge) {
                shiftCase(op, count);
                shiftCase(op, count);
            }
            for (int imm = 0; imm <= 255; imm++) {
                add(op + " " + x(pick()) + ", " + imm, 1);
            }
            // m128 count: only its low quadword counts, and it must be aligned
            for (long count : new long[] {0, 3, 15, 16, 31, 32, 63, 64, 0x100000000L, -1}) {
                add("mov qword ptr [rbx+0x50], rax; " + op + " xmm6, xmmword ptr [rbx+0x50]", regsWith(0, count), xmm());
            }
            faulting(() -> add(op + " xmm6, xmmword ptr [rbx+0x58]", 2)); // misaligned: #GP(0)
        }
        for (String op : new String[] {"psrldq", "pslldq"}) {
            for (int imm = 0; imm <= 255; imm++) {
                add(op + " " + x(pick()) + ", " + imm, 1);
            }
        }
    }

    void shiftCase(String op, long count) {
        long[] xv = xmm();
        int d = pick(), s = pick();
        if (s == d) {
            s = (s + 1) & 15;
        }
        xv[2 * s] = count;
        add(op + " " + x(d) + ", " + x(s), regs(), xv);
    }

    void shuffles() {
        for (String op : SHUFFLES) {
            for (int imm = 0; imm <= 255; imm++) {
                add(op + " " + x(pick()) + ", " + x(pick()) + ", " + imm, 1);
            }
            for (int k = 0; k < 20; k++) {
                int imm = rnd.nextInt(256);
                add(op + " " + x(pick()) + ", xmmword ptr [rbx+" + alignedOffset() + "], " + imm, 1);
            }
            faulting(() -> add(op + " xmm3, xmmword ptr [rbx+0x28], 0x1b", 2)); // #GP(0)
        }
    }

    void moves() {
        String[] aligned = {"movaps", "movapd", "movdqa"};
        String[] unaligned = {"movups", "movupd", "movdqu"};
        for (String op : aligned) {
            add(op + " " + x(pick()) + ", " + x(pick()), 10);
            add(op + " " + x(pick()) + ", xmmword ptr [rbx+" + alignedOffset() + "]", 5);
            add(op + " xmmword ptr [rbx+" + alignedOffset() + "], " + x(pick()), 5);
            faulting(() -> {
                add(op + " " + x(pick()) + ", xmmword ptr [rbx+0x18]", 3); // #GP(0)
                add(op + " xmmword ptr [rbx+0x21], " + x(pick()), 3); // #GP(0), nothing written
                add(op + " xmm1, xmmword ptr [rbp+0xff8]", 2); // misaligned and crossing into an unmapped page: #GP first
            });
        }
        for (String op : unaligned) {
            add(op + " " + x(pick()) + ", " + x(pick()), 10);
            for (int mis : new int[] {0, 1, 7, 8, 9, 15}) {
                add(op + " " + x(pick()) + ", xmmword ptr [rbx+" + (0x40 + mis) + "]", 2);
                add(op + " xmmword ptr [rbx+" + (0x80 + mis) + "], " + x(pick()), 2);
            }
            add(op + " xmmword ptr [rbx+0xff9], " + x(pick()), 3); // crosses a page, both mapped
            add(op + " " + x(pick()) + ", xmmword ptr [rsp+0xffc]", 3);
            // crossing from the last data page into an unmapped one: #PF, and no half-written store
            faulting(() -> {
                add(op + " xmmword ptr [rbp+0xff8], " + x(pick()), 2);
                add(op + " xmm5, xmmword ptr [rbp+0xff4]", 2);
            });
            add(op + " xmmword ptr [rbp+0xff0], xmm5", 2); // the last 16 bytes: fine
        }
        add("movntps xmmword ptr [rbx+0x60], xmm4; movntpd xmmword ptr [rbx+0x70], xmm11; movntdq xmmword ptr [rbx+0x80], xmm8", 3);
        faulting(() -> {
            add("movntdq xmmword ptr [rbx+0x88], xmm8", 2); // #GP(0)
            add("movntps xmmword ptr [rbx+0x64], xmm8", 2);
        });
        add("movnti dword ptr [rbx+0x13], eax; movnti qword ptr [rbx+0x29], r9", 3);
        // MOVD/MOVQ between GPRs, memory and XMM
        for (int k = 0; k < 10; k++) {
            add("movd " + x(pick()) + ", " + gpr(32, pick()), 1);
            add("movq " + x(pick()) + ", " + gpr(64, pick()), 1);
            add("movd " + gpr(32, free()) + ", " + x(pick()), 1);
            add("movq " + gpr(64, free()) + ", " + x(pick()), 1);
            add("movq " + x(pick()) + ", " + x(pick()), 1);
        }
        add("movd xmm3, dword ptr [rbx+0x13]; movq xmm12, qword ptr [rbx+0x2d]", 4);
        add("movd dword ptr [rbx+0x13], xmm3; movq qword ptr [rbx+0x2d], xmm12", 4);
        faulting(() -> add("movq qword ptr [rbp+0xffc], xmm2", 2)); // #PF on the second page, nothing written
        add(".byte 0x66,0x0f,0xd6,0xd1", 4); // movq xmm1, xmm2 (66 0F D6, store form)
        for (int k = 0; k < 3; k++) { // movq qword ptr [r11+8], xmm9: R11 points into the data, the store lands
            add(".byte 0x66,0x45,0x0f,0xd6,0x4b,0x08", regsWith(11, NativeOracle.DATA + 0x100 + 8 * rnd.nextInt(32)), xmm());
        }
        // scalar moves: loads zero the rest, register forms merge
        for (String op : new String[] {"movss", "movsd"}) {
            String ptr = op.equals("movss") ? "dword ptr" : "qword ptr";
            add(op + " " + x(pick()) + ", " + x(pick()), 10);
            add(op + " " + x(pick()) + ", " + ptr + " [rbx+0x17]", 5);
            add(op + " " + ptr + " [rbx+0x23], " + x(pick()), 5);
        }
        add(".byte 0xf3,0x0f,0x11,0xc1", 3); // movss xmm1, xmm0 (store form)
        add(".byte 0xf2,0x41,0x0f,0x11,0xc9", 3); // movsd xmm9, xmm1
        // halves
        for (String op : new String[] {"movlps", "movhps", "movlpd", "movhpd"}) {
            add(op + " " + x(pick()) + ", qword ptr [rbx+0x31]", 4);
            add(op + " qword ptr [rbx+0x41], " + x(pick()), 4);
        }
        add("movhlps " + x(pick()) + ", " + x(pick()), 10);
        add("movlhps " + x(pick()) + ", " + x(pick()), 10);
        // alternative encodings of the register moves (store direction)
        add(".byte 0x0f,0x29,0xc1", 3);       // movaps xmm1, xmm0
        add(".byte 0x66,0x0f,0x7f,0xd1", 3); // movdqa xmm1, xmm2
        add(".byte 0xf3,0x0f,0x7f,0xd1", 3); // movdqu xmm1, xmm2
        add(".byte 0x0f,0x11,0xd1", 3);       // movups xmm1, xmm2
        add(".byte 0x66,0x44,0x0f,0x29,0xc1", 3); // movapd xmm1, xmm8
        // sign masks and word insert/extract
        for (int k = 0; k < 10; k++) {
            add("pmovmskb " + gpr(32, free()) + ", " + x(pick()), 1);
            add("movmskps " + gpr(32, free()) + ", " + x(pick()), 1);
            add("movmskpd " + gpr(32, free()) + ", " + x(pick()), 1);
        }
        add(".byte 0x66,0x4c,0x0f,0xd7,0xc9", 3); // pmovmskb r9, xmm1 (REX.W)
        for (int imm = 0; imm < 256; imm += 5) {
            add("pextrw eax, " + x(pick()) + ", " + imm, 1);
            add("pextrw r10d, " + x(pick()) + ", " + imm, 1);
            add("pinsrw " + x(pick()) + ", ecx, " + imm, 1);
            add("pinsrw " + x(pick()) + ", word ptr [rbx+0x33], " + imm, 1);
        }
        add(".byte 0x66,0x48,0x0f,0xc5,0xc1,0x03", 3); // pextrw rax, xmm1, 3
        // MASKMOVDQU: bytes selected by the mask's top bits, at RDI
        for (int k = 0; k < 12; k++) {
            long[] r = regsWith(7, NativeOracle.DATA + 0x200 + rnd.nextInt(64));
            add("maskmovdqu " + x(pick()) + ", " + x(pick()), r, xmm());
        }
        // Near the end of the data: the whole 16 bytes must be writable, whatever the mask selects
        for (long rdi : new long[] {0x3ff8, 0x3ff0, 0x3ff9, 0x4000}) {
            for (long[] mask : new long[][] {{0x8080808080808080L, 0}, {0, 0}, {0x80, 0}, {0, 0x8000000000000000L}}) {
                long[] xv = xmm();
                xv[4] = mask[0];
                xv[5] = mask[1];
                mustFault = rdi + 16 > NativeOracle.DATA_SIZE; // #PF, even with no byte selected
                add("maskmovdqu xmm1, xmm2", regsWith(7, NativeOracle.DATA + rdi), xv);
                mustFault = false;
            }
        }
        // MXCSR
        for (long v : new long[] {0x1f80, 0x9fc0, 0, 0xffff, 0x6000, 0x10000, 0x80000000L, 0x1f80 | 0x3f}) {
            mustFault = (v & ~0xffffL) != 0; // reserved bits: #GP(0)
            add("mov dword ptr [rbx+0x10], eax; ldmxcsr dword ptr [rbx+0x10]; stmxcsr dword ptr [rbx+0x14]",
                    regsWith(0, v), xmm());
            mustFault = false;
        }
        add("stmxcsr dword ptr [rbx+0x3]", 2);
    }

    /** Encodings whose prefixes pick the form: the last of F2/F3 wins, 66 yields to them, REX.W and LOCK. */
    void prefixes() {
        add(".byte 0x66,0xf3,0x0f,0x6f,0x43,0x01", 3); // F3 wins: movdqu (no #GP)
        add(".byte 0xf3,0x66,0x0f,0x6f,0x43,0x01", 3);
        add(".byte 0x66,0xf3,0x0f,0x7f,0x4b,0x03", 3);
        add(".byte 0xf2,0xf3,0x0f,0x10,0xc1", 3); // movss or movsd: the last one
        add(".byte 0xf3,0xf2,0x0f,0x10,0xc1", 3);
        add(".byte 0xf2,0xf3,0x0f,0x10,0x43,0x10", 3);
        add(".byte 0x66,0xf2,0x0f,0x70,0xc1,0x1b", 3); // pshuflw
        add(".byte 0xf2,0x66,0x0f,0x70,0xc1,0x1b", 3);
        add(".byte 0x66,0x48,0x0f,0xfe,0xc1", 3); // REX.W is ignored: paddd
        add(".byte 0x66,0x4f,0x0f,0xef,0xc1", 3); // pxor xmm8, xmm9
        add(".byte 0x66,0x40,0x0f,0xdb,0xc1", 3); // a REX with no bits
        faulting(() -> {
            add(".byte 0xf0,0x66,0x0f,0xfe,0xc1", 2); // LOCK: #UD
            add(".byte 0xf0,0x66,0x0f,0xfe,0x03", 2);
            add(".byte 0x66,0x0f,0x12,0xc1", 2); // movlpd with a register: #UD
            add(".byte 0x0f,0x13,0xc1", 2); // movlps store to a register: #UD
        });
        add(".byte 0x66,0x0f,0x71,0xe1,0x03", 2); // 66 0F 71 /4: psraw xmm1, 3
        add(".byte 0x66,0x0f,0x73,0xf9,0x03", 2); // pslldq xmm1, 3
        faulting(() -> add(".byte 0x66,0x0f,0x72,0xc9,0x03", 2)); // 66 0F 72 /1: #UD
        add(".byte 0x2e,0x66,0x0f,0xfe,0x43,0x10", 2); // segment prefix before 66
        add(".byte 0x67,0x66,0x0f,0x6f,0x03", 2); // address size: [ebx]
        add(".byte 0x66,0x48,0x0f,0x7e,0x43,0x08", 2); // movq qword ptr [rbx+8], xmm0 (66 REX.W 0F 7E)
        add(".byte 0x66,0x4c,0x0f,0x6e,0x53,0x09", 2); // movq xmm10, qword ptr [rbx+9] (66 REX.W 0F 6E)
        add(".byte 0x66,0x48,0x0f,0x6e,0xc9", 2); // movq xmm1, rcx
        // RIP-relative operands into the data buffer: the snippet starts at CODE, each of these
        // is 8 bytes and first, so the target is CODE + 8 + disp32
        for (long target : new long[] {0x1000, 0x1008, 0x1010, 0x1001}) {
            long disp = NativeOracle.DATA + target - (NativeOracle.CODE + 8);
            String d = String.format("0x%02x,0x%02x,0x%02x,0x%02x", disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff,
                    (disp >> 24) & 0xff);
            mustFault = target % 16 != 0;
            add(".byte 0x66,0x0f,0x6f,0x0d," + d, 2); // movdqa xmm1, [rip+disp]: #GP(0) when misaligned
            add(".byte 0x66,0x0f,0xfe,0x0d," + d, 2); // paddd
            add(".byte 0x66,0x0f,0x7f,0x0d," + d, 2); // movdqa store
            mustFault = false;
            add(".byte 0xf3,0x0f,0x6f,0x0d," + d, 2); // movdqu
        }
    }

    /** Random sequences over SSE and integer instructions, moving values both ways. */
    void randomSequences(int count) {
        String[] regForms = PACKED;
        for (int k = 0; k < count; k++) {
            StringBuilder sb = new StringBuilder();
            int n = 6 + rnd.nextInt(14);
            for (int i = 0; i < n; i++) {
                int d = pick(), s = pick(), g = free();
                switch (rnd.nextInt(12)) {
                    case 0: case 1: case 2:
                        sb.append(regForms[rnd.nextInt(regForms.length)]).append(' ').append(x(d)).append(", ").append(x(s));
                        break;
                    case 3:
                        sb.append(regForms[rnd.nextInt(regForms.length)]).append(' ').append(x(d))
                                .append(", xmmword ptr [rbx+").append(16 * rnd.nextInt(8)).append(']');
                        break;
                    case 4:
                        sb.append(SHIFTS[rnd.nextInt(SHIFTS.length)]).append(' ').append(x(d)).append(", ").append(rnd.nextInt(70));
                        break;
                    case 5:
                        sb.append(SHUFFLES[rnd.nextInt(SHUFFLES.length)]).append(' ').append(x(d)).append(", ").append(x(s))
                                .append(", ").append(rnd.nextInt(256));
                        break;
                    case 6:
                        boolean q = rnd.nextBoolean();
                        sb.append(q ? "movq " : "movd ").append(x(d)).append(", ").append(gpr(q ? 64 : 32, g));
                        break;
                    case 7:
                        sb.append("movq ").append(gpr(64, g)).append(", ").append(x(s))
                                .append("; add ").append(gpr(64, g)).append(", ")
                                .append(gpr(64, free()));
                        break;
                    case 8:
                        sb.append("pmovmskb ").append(gpr(32, g)).append(", ").append(x(s))
                                .append("; xor ").append(gpr(32, g)).append(", 0x5a5a");
                        break;
                    case 9:
                        sb.append("movdqa xmmword ptr [rbx+").append(16 * rnd.nextInt(8)).append("], ").append(x(s));
                        break;
                    case 10:
                        sb.append("movdqu ").append(x(d)).append(", xmmword ptr [rbx+").append(rnd.nextInt(128)).append(']');
                        break;
                    default:
                        sb.append("imul ").append(gpr(64, g)).append(", ")
                                .append(gpr(64, free()))
                                .append("; pinsrw ").append(x(d)).append(", ").append(gpr(32, g))
                                .append(", ").append(rnd.nextInt(8));
                }
                sb.append("; ");
            }
            sb.append("nop");
            // The integer steps may be the last to write flags: XOR leaves AF undefined, IMUL SF ZF AF PF.
            add(sb.toString(), regs(), xmm(), ALL & ~(Cpu.SF | Cpu.ZF | Cpu.AF | Cpu.PF));
        }
    }

    @Test
    void testEverySseForm_againstHostCpu_zeroMismatches() throws Exception {
        packed();
        shifts();
        shuffles();
        moves();
        prefixes();
        randomSequences(3000);
        NativeOracle.Comparison r = NativeOracle.compareAll(cases,
                c -> c.asm + " | regs " + InstructionDifferentialTest.regString(c.regs) + " | xmm " + xmmString(c.xmm));
        System.out.println("SseInstructionDifferentialTest: " + cases.size() + " cases compared (" + r.faults()
                + " fault natively, " + r.mustFault() + " meant to), " + r.mismatches() + " mismatches; host "
                + HostCpu.describe() + ": compared " + HostCpu.flagPolicy() + (maskedCases == 0 ? "" : "; " + maskedCases
                + " cases (the random sequences, whose XOR and IMUL steps leave flags undefined) compare CF OF DF only"));
        r.assertNoMismatches();
    }

    static String xmmString(long[] x) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(String.format("xmm%d=%016x%016x ", i, x[2 * i + 1], x[2 * i]));
        }
        return sb.toString().trim();
    }
}
