package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.internal.NativeOracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The x87 state instructions, FXSAVE/FXRSTOR and CMPXCHG8B/CMPXCHG16B against this host CPU in
 * ring 3 (see {@link NativeOracle}: registers, every flag, XMM registers, MXCSR and every changed
 * byte of the data buffer are compared).
 *
 * <p>The oracle does not carry x87 state into or out of a snippet, so every snippet establishes
 * it (FXRSTOR of an image built in the data buffer, FLDENV, or FNINIT) and makes it visible by
 * storing it (FXSAVE, FNSTENV, FNSTCW, FNSTSW) into the buffer, whose bytes are compared. No
 * snippet executes an x87 instruction that computes, so the last-instruction fields (FOP, FIP,
 * FDP) hold exactly what was loaded or what FNINIT left, on both sides, and are compared too.
 * Snippets end with FNINIT so that no unmasked exception is left pending in the runner.
 *
 * <p>What is not compared, and why:
 * <ul>
 * <li>MXCSR_MASK (FXSAVE bytes 28-31) is vendor-specific: an AMD host with misaligned-SSE mode
 * reports bit 17 (0x2ffff); the machine models Intel's 0xffff. Snippets AND the saved field
 * with 0xffff, so the 16 bits both vendors define are still compared (the full value is checked
 * in {@link FpuTest}).</li>
 * <li>MXCSR bit 17 (MM) is valid on such an AMD host only, so no image sets it.</li>
 * <li>MOV to FS/GS from ring 3 is not differential: on Linux the FS base is the thread pointer
 * the runner's C library uses, seeing the base takes RDFSBASE (FSGSBASE is not part of the
 * machine's CPU model), and AMD and Intel differ on whether a null selector clears the base.
 * The ring-0 behaviour (the Intel rule) is tested in PlatformOpsTest.</li>
 * </ul>
 */
class PlatformInstructionDifferentialTest {

    static final long ALL = NativeOracle.ARITH_DF;

    final Random rnd = new Random(20261208L);
    final List<Case> cases = new ArrayList<>();

    /** The byte the oracle fills the data buffer with at offset {@code i}. */
    static int pattern(int i) {
        return (i * 37 + 11) & 0xff;
    }

    /** The little-endian quadword of the fill pattern at data offset {@code off}. */
    static long patternQword(int off) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | pattern(off + k);
        }
        return v;
    }

    long[] regs() {
        long[] r = new long[16];
        for (int i : InstructionDifferentialTest.FREE) {
            r[i] = rnd.nextLong();
        }
        return NativeOracle.withDataPointers(r);
    }

    void add(String asm) {
        add(asm, regs());
    }

    void add(String asm, long[] regs) {
        cases.add(new Case(asm, regs, NativeOracle.randomFlags(rnd), ALL));
    }

    /** A case that faults by design (#GP, #PF, #MF): it must fault natively and in the emulator. */
    void addFault(String asm) {
        add(asm);
        cases.get(cases.size() - 1).mustFault = true;
    }

    static <T> T pick(Random rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    // ------------------------------------------------------------------ FXSAVE image fields

    static final String[] MXCSR = {"0x1f80", "0x0", "0xffff", "0x7fbf", "0x9fc0", "0x8040", "0x3f", "0x6000", "0x1fbf"};
    static final String[] FCW = {"0x37f", "0x0", "0xffff", "0x1f7f", "0xc40", "0xe0c0", "0x27f", "0x33f"};
    static final String[] FSW = {"0x0", "0xffff", "0x3800", "0x80", "0x8000", "0x1", "0x41", "0x4700", "0x807f"};
    static final String[] FTW = {"0x0", "0xff", "0xa5", "0x1", "0x80"};
    static final String[] FOP = {"0x0", "0xffff", "0x7ff", "0x1234", "0xf800"};
    static final String[] POINTER = {"0x0", "0x123456789abcdef0", "0xffffffff", "0xffff800000001000", "0x7fffffff00000001"};

    /**
     * Instructions that patch fields of the FXSAVE image at [rbx] (the rest keeps the fill
     * pattern): always a valid MXCSR, and each other field with probability 2/3.
     */
    String imagePatches() {
        StringBuilder s = new StringBuilder("mov dword ptr [rbx+24], " + pick(rnd, MXCSR));
        if (rnd.nextInt(3) > 0) {
            s.append("; mov word ptr [rbx], ").append(pick(rnd, FCW));
        }
        if (rnd.nextInt(3) > 0) {
            s.append("; mov word ptr [rbx+2], ").append(pick(rnd, FSW));
        }
        if (rnd.nextInt(3) > 0) {
            s.append("; mov byte ptr [rbx+4], ").append(pick(rnd, FTW));
        }
        if (rnd.nextInt(3) > 0) {
            s.append("; mov word ptr [rbx+6], ").append(pick(rnd, FOP));
        }
        if (rnd.nextInt(3) > 0) {
            s.append("; mov rax, ").append(pick(rnd, POINTER)).append("; mov [rbx+8], rax");
        }
        if (rnd.nextInt(3) > 0) {
            s.append("; mov rax, ").append(pick(rnd, POINTER)).append("; mov [rbx+16], rax");
        }
        return s.toString();
    }

    /**
     * FCS and FDS of a 32-bit FXSAVE image at [rbx] set to 0: FXRSTOR loads them on AMD, current
     * Intel processors deprecate them (FNSTENV then stores 0).
     */
    static final String NO_SELECTORS = "mov word ptr [rbx+12], 0; mov word ptr [rbx+20], 0";

    /** A patch that leaves no unmasked exception pending (FCW masks all, FSW clean). */
    static final String QUIET = "mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], 0x37f; mov word ptr [rbx+2], 0x3800";

    /**
     * After an FXSAVE to [rbx+0x200]: clears FOP, FIP and FDP (with FCS/FDS) and keeps MXCSR_MASK's
     * low 16 bits, the vendor-specific parts of the image (see the class comment).
     */
    static final String SAVE_MASK = "mov word ptr [rbx+0x206], 0; mov qword ptr [rbx+0x208], 0; mov qword ptr [rbx+0x210], 0;"
            + " and dword ptr [rbx+0x21c], 0xffff";

    // ------------------------------------------------------------------ cases

    /** FXRSTOR of a patched image, FXSAVE of it: every combination of the 32- and 64-bit forms. */
    void fxsaveRoundTrip() {
        String[] restores = {"fxrstor", "fxrstor64"};
        String[] saves = {"fxsave", "fxsave64"};
        for (int i = 0; i < 240; i++) {
            String r = restores[i & 1], s = saves[(i >> 1) & 1];
            add(imagePatches() + "; " + r + " [rbx]; " + s + " [rbx+0x200]; " + SAVE_MASK + "; fninit");
        }
        // the image as the fill pattern left it, MXCSR aside: arbitrary 80-bit register images,
        // reserved bytes, the abridged tag, FOP's upper bits
        for (String r : restores) {
            for (String s : saves) {
                add("mov dword ptr [rbx+24], 0x1f80; " + r + " [rbx]; " + s + " [rbx+0x200]; " + SAVE_MASK + "; fninit");
            }
        }
        // FXSAVE after FNINIT: the registers keep the restored images, the rest is reset
        for (String s : saves) {
            add(imagePatches() + "; fxrstor [rbx]; fninit; " + s + " [rbx+0x200]; " + SAVE_MASK + "; fninit");
        }
        // saving over the image that was restored, and into the stack page
        add("mov dword ptr [rbx+24], 0x1f80; fxrstor64 [rbx]; fxsave64 [rbx]; mov word ptr [rbx+6], 0;"
                + " mov qword ptr [rbx+8], 0; mov qword ptr [rbx+16], 0; and dword ptr [rbx+28], 0xffff; fninit");
        add("mov dword ptr [rbx+24], 0x1f80; fxrstor [rbx]; fxsave [rsp-0x200]; mov word ptr [rsp-0x1fa], 0;"
                + " mov qword ptr [rsp-0x1f8], 0; mov qword ptr [rsp-0x1f0], 0; and dword ptr [rsp-0x1e4], 0xffff; fninit");
    }

    /** The x87 control instructions, each after an FXRSTOR that set up a known state, observed by FXSAVE. */
    void x87Control() {
        for (int i = 0; i < 40; i++) {
            add(imagePatches() + "; fxrstor [rbx]; fnclex; fxsave [rbx+0x200]; " + SAVE_MASK + "; fninit");
            add(imagePatches() + "; fxrstor [rbx]; fnstsw [rbp]; fnstcw [rbp+2]; fnstsw ax; fninit");
        }
        // FLDCW: reserved bits, and ES/B following the unmasked exceptions pending in FSW
        String[] cws = {"0x0", "0xffff", "0x37f", "0x37e", "0x360", "0x1f40", "0xe0bf", "0x7f"};
        String[] sws = {"0x0", "0x1", "0x20", "0x3f", "0x81", "0x8081", "0x80", "0x8000", "0x4700"};
        for (String cw : cws) {
            for (String sw : sws) {
                add("mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], 0x37f; mov word ptr [rbx+2], " + sw
                        + "; fxrstor [rbx]; mov word ptr [rbp], " + cw + "; fldcw [rbp]; fnstcw [rbp+2]; fnstsw [rbp+4];"
                        + " fxsave [rbx+0x200]; " + SAVE_MASK + "; fninit");
            }
        }
        // FXRSTOR itself: is ES/B recomputed from the loaded FSW and FCW?
        for (String cw : new String[] {"0x37f", "0x37e", "0x340", "0x37b"}) {
            for (String sw : sws) {
                add("mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], " + cw + "; mov word ptr [rbx+2], " + sw
                        + "; fxrstor [rbx]; fnstsw ax; fnstsw [rbp]; fnstcw [rbp+2]; fninit");
            }
        }
        // FNSTSW AX keeps RAX's upper bits; FNINIT's status word, control word
        add("fninit; fnstsw ax; fnstcw [rbp]; fnstsw [rbp+2]");
        add("fninit; fnclex; fnstsw ax; fnstcw [rbp]");
    }

    /** An 80-bit register image: valid, zero, denormal, infinity/NaN, unnormal (J bit clear), pseudo-denormal. */
    String registerPatch(int slot) {
        String at = "[rbx+" + (32 + 16 * slot) + "]";
        String exp = "[rbx+" + (32 + 16 * slot + 8) + "]";
        switch (rnd.nextInt(7)) {
            case 0: return "mov qword ptr " + at + ", 0; mov word ptr " + exp + ", 0";                   // +0
            case 1: return "mov qword ptr " + at + ", 0; mov word ptr " + exp + ", 0x8000";              // -0
            case 2: return "mov rax, 0x8000000000000000; mov " + at + ", rax; mov word ptr " + exp + ", 0x3fff"; // 1.0
            case 3: return "mov qword ptr " + at + ", 1; mov word ptr " + exp + ", 0";                   // denormal
            case 4: return "mov rax, 0x8000000000000000; mov " + at + ", rax; mov word ptr " + exp + ", 0x7fff"; // inf
            case 5: return "mov qword ptr " + at + ", 0x1234; mov word ptr " + exp + ", 0x4000";         // unnormal
            default: return "mov rax, 0x8000000000000001; mov " + at + ", rax; mov word ptr " + exp + ", 0"; // pseudo-denormal
        }
    }

    /** FNSTENV (32- and 16-bit formats): the full tag word computed from the registers, then all exceptions masked. */
    void fnstenv() {
        for (int i = 0; i < 80; i++) {
            StringBuilder s = new StringBuilder(QUIET);
            for (int slot = 0; slot < 8; slot++) {
                if (rnd.nextInt(4) > 0) {
                    s.append("; ").append(registerPatch(slot));
                }
            }
            // TOP, C3 and C0-C2 in the FSW, no exception flag: the tag word is by physical
            // register, the image by stack position
            int fsw = rnd.nextInt(8) << 11 | rnd.nextInt(2) << 14 | rnd.nextInt(8) << 8;
            s.append("; mov byte ptr [rbx+4], ").append(pick(rnd, FTW));
            s.append("; mov word ptr [rbx+2], ").append(String.format("0x%x", fsw));
            String store = (i & 1) == 0 ? "fnstenv [rbp]" : "fnstenvw [rbp]";
            s.append("; fxrstor64 [rbx]; ").append(store).append("; fnstcw [rbp+0x40]; fnstsw [rbp+0x42];");
            s.append(" fxsave64 [rbx+0x200]; ").append(SAVE_MASK).append("; fninit");
            add(s.toString());
        }
        // with pending unmasked exceptions: FNSTENV stores ES/B set, then masks and clears them
        add("mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], 0x37e; mov word ptr [rbx+2], 0x1; " + NO_SELECTORS
                + "; fxrstor [rbx]; fnstenv [rbp]; fnstsw [rbp+0x40]; fnstcw [rbp+0x42]; fninit");
        // FNINIT then FNSTENV: the reserved halves, FCS/FDS
        add("fninit; fnstenv [rbp]");
        add("fninit; fnstenvw [rbp]");
        add("fninit; rex.w fnstenv [rbp]");
    }

    /** FLDENV (both formats) of an environment in the buffer, observed by FXSAVE and FNSTENV. */
    void fldenv() {
        String[] tags = {"0xffff", "0x0", "0x5555", "0xaaaa", "0xfffc", "0x3fff", "0x1b1b", "0xc000"};
        for (int i = 0; i < 120; i++) {
            StringBuilder s = new StringBuilder("mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], 0x37f;"
                    + " mov word ptr [rbx+2], 0; fxrstor [rbx]");
            boolean wide = (i & 1) == 0;
            // FCW, FSW, FTW, then FIP, FCS:FOP, FDP, FDS in the 32-bit format; each a word in the 16-bit one
            int step = wide ? 4 : 2;
            String cw = pick(rnd, FCW), sw = pick(rnd, FSW);
            if (sw.equals("0x1") || sw.equals("0x41") || sw.equals("0xffff") || sw.equals("0x807f")) {
                cw = "0x37f"; // no exception left pending (FLDENV does not fault on it, the next waiting insn would)
            }
            s.append("; mov word ptr [rbp], ").append(cw);
            s.append("; mov word ptr [rbp+").append(step).append("], ").append(sw);
            s.append("; mov word ptr [rbp+").append(2 * step).append("], ").append(pick(rnd, tags));
            if (wide) {
                s.append("; mov dword ptr [rbp+12], ").append(String.format("0x%x", rnd.nextInt()));
                s.append("; mov dword ptr [rbp+16], ").append(String.format("0x%x", rnd.nextInt()));
                s.append("; mov dword ptr [rbp+20], ").append(String.format("0x%x", rnd.nextInt()));
                s.append("; mov dword ptr [rbp+24], ").append(String.format("0x%x", rnd.nextInt()));
            } else {
                s.append("; mov dword ptr [rbp+6], ").append(String.format("0x%x", rnd.nextInt()));
                s.append("; mov dword ptr [rbp+10], ").append(String.format("0x%x", rnd.nextInt()));
            }
            // FCS and FDS: kept by AMD, deprecated (stored as 0) by current Intel processors
            s.append(wide ? "; mov word ptr [rbp+16], 0; mov word ptr [rbp+24], 0" : "; mov word ptr [rbp+8], 0; mov word ptr [rbp+12], 0");
            s.append(wide ? "; fldenv [rbp]" : "; fldenvw [rbp]");
            s.append("; fxsave").append(rnd.nextBoolean() ? "64" : "").append(" [rbx+0x200]; ").append(SAVE_MASK);
            s.append(rnd.nextBoolean() ? "; fnstenv [rbp+0x40]; fninit" : "; fnstenvw [rbp+0x40]; fninit");
            add(s.toString());
        }
    }

    /** FWAIT, and the waiting instructions FLDCW/FLDENV, with and without an unmasked exception pending. */
    void waiting() {
        add("fninit; fwait; fnstsw ax");
        add(QUIET + "; fxrstor [rbx]; fwait; fnstsw ax; fninit");
        // pending: IE set and unmasked (FXRSTOR makes ES follow, see x87Control); CR0.NE: #MF
        String pending = "mov dword ptr [rbx+24], 0x1f80; mov word ptr [rbx], 0x37e; mov word ptr [rbx+2], 0x1; "
                + NO_SELECTORS + "; fxrstor [rbx]";
        addFault(pending + "; fwait; fninit");
        addFault(pending + "; fnstsw ax; fwait; fninit");
        addFault(pending + "; mov word ptr [rbp], 0x37f; fldcw [rbp]; fnstsw ax; fninit");
        add(pending + "; fnclex; fwait; fnstsw ax; fninit");
        add(pending + "; fnstenv [rbp]; fwait; fnstsw ax; fninit");
        add(pending + "; fninit; fwait; fnstsw ax");
        addFault(pending + "; mov word ptr [rbp], 0x37f; mov word ptr [rbp+4], 0; fldenv [rbp]; fnstsw ax; fninit");
        add(pending + "; fnstcw [rbp]; fnstsw [rbp+2]; fnstsw ax; fxsave [rbx+0x200]; " + SAVE_MASK + "; fninit");
        // made pending by FLDENV or FLDCW, then a waiting instruction
        addFault("fninit; mov word ptr [rbp], 0x37b; mov word ptr [rbp+4], 0x4; mov word ptr [rbp+8], 0xffff;"
                + " fldenv [rbp]; fnstsw ax; fwait; fninit");
        addFault("fninit; mov word ptr [rbp], 0x37f; mov word ptr [rbp+4], 0x4; mov word ptr [rbp+8], 0xffff;"
                + " fldenv [rbp]; mov word ptr [rbp+0x40], 0x37b; fldcw [rbp+0x40]; fnstsw ax; fwait; fninit");
    }

    /** Alignment, reserved MXCSR bits and page faults. */
    void faults() {
        addFault("fxsave [rbx+8]");
        addFault("fxsave64 [rbx+1]");
        addFault("mov dword ptr [rbx+0x24], 0x1f80; fxrstor [rbx+0x20]; fninit");
        addFault("mov dword ptr [rbx+24], 0x1f80; fxrstor64 [rbx+4]; fninit");
        for (String bad : new String[] {"0x10000", "0x30000", "0x80000000", "0x40000", "0xffffffff"}) {
            addFault("mov dword ptr [rbx+24], " + bad + "; fxrstor [rbx]; fninit");
            addFault("mov dword ptr [rbx+24], " + bad + "; fxrstor64 [rbx]; fninit");
        }
        // operands on the unmapped page after the buffer. (The address a 512-byte FXSAVE or
        // FXRSTOR access reports is not architectural: this AMD host names the operand's last
        // byte even when all of it is unmapped, the machine the first byte of the first unmapped
        // page; so for those, and for operands that cross into the page, FpuTest checks the
        // machine's rule.)
        addFault("fnstenv [rbp+0x1000]");
        addFault("fnstenvw [rbp+0x1010]");
        addFault("fldenv [rbp+0x1000]");
        addFault("fnstcw [rbp+0x1000]");
        addFault("fldcw [rbp+0x1002]");
        addFault("fnstsw [rbp+0x1004]");
    }

    /** CMPXCHG8B / CMPXCHG16B: equal and unequal, the other flags kept, upper halves, alignment. */
    void cmpxchg() {
        for (int i = 0; i < 60; i++) {
            int off = 8 * rnd.nextInt(16);
            long mem = patternQword(0x1000 + off);
            long[] r = regs();
            boolean equal = rnd.nextBoolean();
            long expect = equal ? mem : mem ^ (1L << rnd.nextInt(64));
            // EDX:EAX is compared; RDX/RAX's upper halves are noise the instruction ignores
            r[0] = (expect & 0xffffffffL) | (rnd.nextBoolean() ? rnd.nextLong() << 32 : 0);
            r[2] = (expect >>> 32) | (rnd.nextBoolean() ? rnd.nextLong() << 32 : 0);
            String lock = rnd.nextBoolean() ? "lock " : "";
            add(lock + "cmpxchg8b qword ptr [rbx+" + off + "]", r);
            add(lock + "cmpxchg8b qword ptr [rbx+" + off + "]; cmpxchg8b qword ptr [rbx+" + off + "]", r.clone());
        }
        for (int i = 0; i < 60; i++) {
            int off = 16 * rnd.nextInt(8);
            long lo = patternQword(0x1000 + off), hi = patternQword(0x1000 + off + 8);
            long[] r = regs();
            int which = rnd.nextInt(3); // 0 equal, 1 low differs, 2 high differs
            r[0] = which == 1 ? lo ^ (1L << rnd.nextInt(64)) : lo;
            r[2] = which == 2 ? hi ^ (1L << rnd.nextInt(64)) : hi;
            String lock = rnd.nextBoolean() ? "lock " : "";
            add(lock + "cmpxchg16b xmmword ptr [rbx+" + off + "]", r);
            add(lock + "cmpxchg16b xmmword ptr [rbx+" + off + "]; cmpxchg16b xmmword ptr [rbx+" + off + "]", r.clone());
        }
        // unaligned: CMPXCHG8B takes any address, CMPXCHG16B raises #GP(0)
        add("cmpxchg8b qword ptr [rbx+3]");
        add("lock cmpxchg8b qword ptr [rbx+0xffd]");
        addFault("cmpxchg16b xmmword ptr [rbx+8]");
        addFault("lock cmpxchg16b xmmword ptr [rbx+1]");
        // the write happens whether or not they are equal: a fault at the end of the buffer
        addFault("cmpxchg8b qword ptr [rbp+0xffc]");
        add("cmpxchg16b xmmword ptr [rbp+0xff0]");
        addFault("cmpxchg16b xmmword ptr [rbp+0x1000]");
    }

    /** Runs the cases collected so far against the host; {@code minFaults} of them must fault natively. */
    void compare(String what, int minFaults) throws Exception {
        NativeOracle.Comparison r = NativeOracle.compareAll(cases,
                c -> c.asm + " | regs " + InstructionDifferentialTest.regString(c.regs));
        System.out.println("PlatformInstructionDifferentialTest " + what + ": " + cases.size() + " cases compared ("
                + r.faults() + " fault natively), " + r.mismatches() + " mismatches");
        assertTrue(r.faults() >= minFaults, what + ": the fault cases must fault natively: " + r.faults());
        r.assertNoMismatches();
    }

    /**
     * The new system instructions that ring 3 may execute or must fault on: far returns and far
     * jumps to the user code segment (Linux's 0x33) in every operand size, a far return to ring
     * 0 (#GP), and the privileged ones (#GP). SLDT and SMSW are left out: with UMIP (this host
     * has it) Linux emulates or refuses them for user mode, which says nothing of the CPU. So is
     * JMP m16:64 (REX.W FF /5): AMD processors ignore REX.W there and read an m16:32 pointer,
     * Intel's (the machine's model) take the 64-bit offset; PlatformOpsTest checks it.
     */
    void privilegedAndFar() {
        add("lea rcx, [rip+1f]; push 0x33; push rcx; rex.w retf; 1: nop");
        add("lea rcx, [rip+1f]; sub rsp, 16; push 0x33; push rcx; rex.w retf 16; 1: nop");
        add("mov eax, 0x33; shl rax, 32; lea rcx, [rip+1f]; or rax, rcx; push rax; retf; 1: nop");
        add("mov eax, 0x33; shl rax, 32; lea rcx, [rip+1f]; or rax, rcx; sub rsp, 8; push rax; retf 8; 1: nop");
        add("lea rcx, [rip+1f]; mov [rbx], ecx; mov word ptr [rbx+4], 0x33; jmp fword ptr [rbx]; 1: nop");
        addFault("lea rcx, [rip+1f]; push 0x10; push rcx; rex.w retf; 1: nop"); // RPL 0 < CPL 3
        for (String insn : new String[] {"rdmsr", "wrmsr", "mov rax, dr7", "mov dr0, rax", "wbinvd", "invd",
            "xor eax, eax; lldt ax", "lmsw ax", "hlt"}) {
            addFault(insn);
        }
    }

    @Test
    void testFarTransfersAndPrivilegedInstructions_inRing3_againstHostCpu() throws Exception {
        privilegedAndFar();
        compare("far/privileged", 10);
    }

    @Test
    void testFxrstorFxsave_bothForms_againstHostCpu() throws Exception {
        fxsaveRoundTrip();
        compare("fxsave", 0);
    }

    @Test
    void testX87ControlInstructions_againstHostCpu() throws Exception {
        x87Control();
        compare("x87 control", 0);
    }

    @Test
    void testFnstenvFldenv_bothFormats_againstHostCpu() throws Exception {
        fnstenv();
        fldenv();
        compare("fnstenv/fldenv", 0);
    }

    @Test
    void testWaitingInstructions_pendingException_raiseMf_againstHostCpu() throws Exception {
        waiting();
        compare("waiting", 4);
    }

    @Test
    void testAlignmentReservedMxcsrAndPageFaults_againstHostCpu() throws Exception {
        faults();
        compare("faults", 20);
    }

    @Test
    void testCmpxchg8b16b_againstHostCpu() throws Exception {
        cmpxchg();
        compare("cmpxchg8b/16b", 3);
    }
}
