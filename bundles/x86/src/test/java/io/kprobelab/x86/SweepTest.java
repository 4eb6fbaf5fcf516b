package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.oracle.Compare;
import io.kprobelab.x86.oracle.Objdump;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generated sweep over the one-byte, 0F, 0F38 and 0F3A maps: every opcode with every ModRM byte
 * (representative SIB bytes for rm=100), and every opcode with 33 prefix combinations
 * (66/67/F2/F3/F0/segments/REX variants) times 64 representative ModRM/SIB forms, against
 * {@code objdump -D -b binary}. Length and (bad) verdict are compared for all; the text for
 * every form the formatter covers ({@link Formatter#isCovered}). A second sweep does the same for
 * VEX maps 1..3 (every opcode, VEX.pp, VEX.L and VEX.W), and a third runs the forms whose text
 * depends on the imm8 value with all 256 values.
 *
 * <p>Candidates are packed densely, each cut at the length the decoder gives; a candidate whose
 * start objdump did not reach (it was out of step after a disagreement) is run again in a
 * second objdump pass with 16 NOPs after every candidate, which always brings objdump back in
 * step.
 */
class SweepTest {

    static final int[][] PREFIXES = {
        {0x66}, {0x67}, {0xf3}, {0xf2}, {0xf0}, {0x2e}, {0x3e}, {0x26}, {0x36}, {0x64}, {0x65},
        {0x40}, {0x41}, {0x42}, {0x44}, {0x48}, {0x49}, {0x4a}, {0x4c}, {0x4f},
        {0x66, 0x48}, {0xf3, 0x48}, {0xf2, 0x48}, {0xf0, 0x48}, {0x66, 0xf3}, {0xf3, 0x66}, {0xf2, 0x66},
        {0x66, 0xf2}, {0xf2, 0xf3}, {0xf3, 0xf2}, {0x67, 0x48}, {0x64, 0x48}, {0xf0, 0x66},
    };

    static boolean skipOneByte(int op) {
        // prefixes and escapes; VEX/EVEX/XOP are covered by RandomBytesTest
        return op == 0x0f || op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e || (op >= 0x40 && op <= 0x4f)
                || (op >= 0x64 && op <= 0x67) || op == 0xf0 || op == 0xf2 || op == 0xf3 || op == 0xc4 || op == 0xc5
                || op == 0x62 || op == 0x9b;
    }

    @Test
    void sweepMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        SweepImage image = new SweepImage(1 << 24);
        int[] modrms = modrmForms();
        for (int map = 0; map < 4; map++) {
            for (int op = 0; op < 256; op++) {
                if (map == 0 && skipOneByte(op)) continue;
                if (map == 1 && (op == 0x38 || op == 0x3a)) continue;
                for (int p = -1; p < PREFIXES.length; p++) {
                    int[] pf = p < 0 ? new int[0] : PREFIXES[p];
                    int n = p < 0 ? 256 : modrms.length;
                    for (int m = 0; m < n; m++) {
                        int modrm = p < 0 ? m : modrms[m];
                        byte[] raw = new byte[pf.length + 3 + 2 + 16];
                        int i = 0;
                        for (int b : pf) raw[i++] = (byte) b;
                        if (map >= 1) raw[i++] = 0x0f;
                        if (map == 2) raw[i++] = 0x38;
                        if (map == 3) raw[i++] = 0x3a;
                        raw[i++] = (byte) op;
                        image.add(raw, image.complete(raw, i, modrm));
                    }
                }
            }
        }
        // Floor: all of it, 990 opcodes (4 maps less map 0's 32 prefix/escape bytes and 0F 38/0F 3A)
        // times 256 ModRM bytes plus 33 prefix sets x 64 forms. The .insn families (x87, 3DNow!, MPX,
        // PadLock) are 13 of those opcodes: at least 95% of what objdump decodes has its text compared.
        check("sweep", image, (4 * 256 - 32 - 2) * (256 + PREFIXES.length * modrms.length), 0, 0.95);
    }

    /**
     * VEX (C4, and C5 where it can say the same) for maps 1..3: every opcode with every VEX.pp,
     * VEX.L and VEX.W, times the 64 representative ModRM/SIB forms, each with VEX.vvvv unused
     * (1111) and naming a register (rotating over three); R/X/B rotate over the five patterns
     * below, and one candidate in eight carries a 67, 2E or 65 prefix. Every candidate the decoder
     * finds valid is compared (length, verdict, text where covered), and one in eight of the
     * invalid ones (length and verdict): VEX verdicts are the random tests' subject, and each
     * (bad) costs objdump a resynchronisation.
     */
    @Test
    void vexSweepMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        SweepImage image = new SweepImage(1 << 24);
        int sampledOut = 0;
        int[] modrms = modrmForms();
        int[] vvvv = {2, 9, 15};
        int[] rxb = {0, 4, 2, 1, 7};        // which of R, X, B are set (stored inverted)
        int[][] pfx = {{}, {}, {}, {}, {}, {0x67}, {0x2e}, {0x65}};
        byte[] raw = new byte[32];
        for (int map = 1; map <= 3; map++) {
            for (int op = 0; op < 256; op++) {
                for (int pp = 0; pp < 4; pp++) {
                    for (int l = 0; l < 2; l++) {
                        for (int w = 0; w < 2; w++) {
                            for (int c = 0; c < modrms.length * 2; c++) {
                                int modrm = modrms[c >> 1];
                                int serial = image.serial();
                                int v = (c & 1) == 0 ? 0 : vvvv[serial % 3];
                                int bits = rxb[serial % 5];
                                int i = 0;
                                for (int b : pfx[serial % 8]) raw[i++] = (byte) b;
                                if (map == 1 && w == 0 && (bits & 3) == 0 && serial % 3 == 0) {
                                    raw[i++] = (byte) 0xc5;
                                    raw[i++] = (byte) (((bits & 4) != 0 ? 0 : 0x80) | ((~v & 15) << 3) | (l << 2) | pp);
                                } else {
                                    raw[i++] = (byte) 0xc4;
                                    raw[i++] = (byte) (((~bits & 7) << 5) | map);
                                    raw[i++] = (byte) ((w << 7) | ((~v & 15) << 3) | (l << 2) | pp);
                                }
                                raw[i++] = (byte) op;
                                Insn insn = image.complete(raw, i, modrm);
                                // one in eight of the invalid ones: each costs objdump a resynchronisation
                                if (insn.status() != Insn.Status.INVALID || image.serial() % 8 == 0) {
                                    image.add(raw, insn);
                                } else {
                                    sampledOut++;
                                }
                            }
                        }
                    }
                }
            }
        }
        // Every generated encoding is a candidate or sampled out, and at least one in eight is a
        // candidate (floor); every VEX form's text is reproduced (Formatter): all of what objdump decodes.
        int generated = 3 * 256 * 4 * 2 * 2 * modrms.length * 2;
        assertEquals(generated, image.offered() + sampledOut, "sweep-vex: candidates + sampled out = generated");
        check("sweep-vex", image, generated / 8, sampledOut, 1.0);
    }

    /**
     * The forms whose text depends on the imm8 value (compare predicates, pclmulqdq halves, the
     * imm8[7:4] register of vblendv/FMA4/vpermil2ps, plain immediates), each with all 256 values,
     * register and memory operand.
     */
    @Test
    void imm8SweepMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        int[][] forms = {
            {0x0f, 0xc2}, {0x66, 0x0f, 0xc2}, {0xf3, 0x0f, 0xc2}, {0xf2, 0x0f, 0xc2},         // cmpps..cmpsd
            {0x66, 0x0f, 0x3a, 0x44}, {0x66, 0x0f, 0x70}, {0x0f, 0x3a, 0x0f},                // pclmul, pshufd, palignr
            {0xc5, 0xe8, 0xc2}, {0xc5, 0xed, 0xc2}, {0xc5, 0xea, 0xc2}, {0xc5, 0xeb, 0xc2},   // vcmpps..vcmpsd
            {0xc4, 0xe3, 0x69, 0x44}, {0xc4, 0xe3, 0x6d, 0x44},                              // vpclmulqdq
            {0xc4, 0xe3, 0x69, 0x4a}, {0xc4, 0xe3, 0x6d, 0x4c},                              // vblendvps, vpblendvb
            {0xc4, 0xe3, 0x69, 0x48}, {0xc4, 0xe3, 0xed, 0x49},                              // vpermil2ps/pd
            {0xc4, 0xe3, 0x69, 0x68}, {0xc4, 0xe3, 0xe9, 0x6b},                              // vfmaddps, vfmaddsd
            {0xc4, 0xe3, 0xfd, 0x00}, {0xc4, 0x43, 0x79, 0x16},                              // vpermq, vpextrd
        };
        SweepImage image = new SweepImage(32);
        byte[] raw = new byte[8];
        for (int[] f : forms) {
            for (int modrm : new int[] {0xc1, 0x46}) {
                for (int v = 0; v < 256; v++) {
                    int i = 0;
                    for (int b : f) raw[i++] = (byte) b;
                    raw[i++] = (byte) modrm;
                    if (modrm == 0x46) raw[i++] = 0x10;
                    raw[i++] = (byte) v;
                    image.add(raw, i);
                }
            }
        }
        check("sweep-imm8", image, forms.length * 2 * 256, 0, 1.0);
    }

    static int[] modrmForms() {
        int[] modrms = new int[64];
        int k = 0;
        for (int reg = 0; reg < 8; reg++) {
            int r = reg << 3;
            int[] forms = {0x00 | r, 0x04 | r, 0x05 | r, 0x44 | r, 0x45 | r, 0x80 | r, 0xc1 | r, 0xc6 | r};
            for (int f : forms) modrms[k++] = f;
        }
        return modrms;
    }

    /**
     * Runs objdump over the packed candidates (again, padded, for those it did not reach) and
     * compares; then asserts the sweep's floors ({@link Compare#assertFloors}): at least
     * {@code minCandidates} candidates, every one compared, and the text of at least
     * {@code minTextFraction} of those objdump decodes.
     */
    private static void check(String name, SweepImage image, int minCandidates, int sampledOut, double minTextFraction)
            throws Exception {
        byte[] bytes = image.bytes();
        Path dir = Objdump.buildDir(name);
        Path bin = dir.resolve(name + ".bin");
        Files.write(bin, bytes);
        List<Objdump.Line> lines = Objdump.disassembleBinary(bin);
        Compare.Result r = new Compare.Result();
        int[] s = image.starts();
        int[] e = image.ends();
        r.candidates = image.offered();
        r.dropped = image.dropped();
        r.sampledOut = sampledOut;
        List<Integer> lost = Compare.check(bytes, s, e, lines, r, true);
        if (!lost.isEmpty()) {
            // second pass: the candidates objdump did not reach, each followed by 16 NOPs
            ByteArrayOutputStream img2 = new ByteArrayOutputStream();
            int[] s2 = new int[lost.size()];
            int[] e2 = new int[lost.size()];
            for (int j = 0; j < lost.size(); j++) {
                int idx = lost.get(j);
                s2[j] = img2.size();
                img2.write(bytes, s[idx], e[idx] - s[idx]);
                e2[j] = img2.size();
                for (int q = 0; q < 16; q++) img2.write(0x90);
            }
            byte[] b2 = img2.toByteArray();
            Path bin2 = dir.resolve(name + "-resync.bin");
            Files.write(bin2, b2);
            r.resynced = lost.size();
            List<Integer> lost2 = Compare.check(b2, s2, e2, Objdump.disassembleBinary(bin2), r, true);
            for (int idx : lost2) r.mismatches.add("no objdump line at padded candidate " + idx);
        }
        Map<String, Integer> unc = new TreeMap<>(r.uncoveredByOpcode);
        List<String> report = new ArrayList<>();
        report.add(r.toString());
        report.add("valid but text not compared (formatter prints .insn), by opcode: " + unc);
        report.addAll(r.mismatches);
        Files.write(dir.resolve("report.txt"), report);
        System.out.println(name + ": " + r);
        assertEquals(List.of(), r.mismatches.subList(0, Math.min(30, r.mismatches.size())), r.toString());
        Compare.assertFloors(name, r, minCandidates, minTextFraction);
    }
}
