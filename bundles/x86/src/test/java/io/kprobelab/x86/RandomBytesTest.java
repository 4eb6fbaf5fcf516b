package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.oracle.Compare;
import io.kprobelab.x86.oracle.Objdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fixed-seed random 16-byte strings: the decoder never throws and its verdict (length, or
 * INVALID where objdump prints (bad)) matches objdump's for the first instruction of each string,
 * and so does the text wherever {@link Formatter#isCovered} says it is reproduced.
 *
 * <p>Each string is followed by 16 one-byte NOPs, so objdump is back in step at the next string
 * whatever it made of the random bytes (no instruction exceeds 15 bytes).
 */
class RandomBytesTest {

    static final int SLOT = 32;
    /**
     * The floor of each run: the default count, at which the rare maps and prefixes get thousands
     * of strings each; the count properties may raise it, not lower it.
     */
    static final int MIN_STRINGS = 100_000;

    @Test
    void randomBytesMatchObjdump() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        int count = Integer.getInteger("kprobelab.random.count", MIN_STRINGS);
        Compare.assertCandidateFloor("random", count, MIN_STRINGS, "-Dkprobelab.random.count may raise it, not lower it");
        SplittableRandom rnd = new SplittableRandom(0x5eed_cafeL);
        byte[] img = new byte[count * SLOT];
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < 16; k++) img[s * SLOT + k] = (byte) rnd.nextInt(256);
            // bias: a third of the strings start with a likely prefix/escape to reach the rarer maps
            int r = rnd.nextInt(12);
            int[] lead = {0x0f, 0x66, 0xf3, 0xf2, 0xc4, 0xc5, 0x62, 0x8f};
            if (r < lead.length / 2) img[s * SLOT] = (byte) lead[rnd.nextInt(lead.length)];
            for (int k = 16; k < SLOT; k++) img[s * SLOT + k] = (byte) 0x90;
        }
        // One string in 12 starts with 62 or 8F (EVEX, XOP), and 8 of the 256 first bytes are x87: the
        // .insn families are well under a tenth of what objdump decodes.
        check(img, count, "random", 0.9);
    }

    /**
     * Random VEX, XOP and EVEX instructions whose escape bytes are well formed (a map objdump
     * knows, EVEX.U set), so that the measured verdicts (vvvv, W, L, masks, broadcast, register
     * equalities...) are what is exercised, not the structural rejections.
     */
    @Test
    void randomVexEvexXopMatchObjdump() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        int count = Integer.getInteger("kprobelab.random.vexcount", MIN_STRINGS);
        Compare.assertCandidateFloor("random-vex", count, MIN_STRINGS,
                "-Dkprobelab.random.vexcount may raise it, not lower it");
        SplittableRandom rnd = new SplittableRandom(0x0ddba11L);
        byte[] img = new byte[count * SLOT];
        int[] evexMaps = {1, 2, 3, 5, 6};
        for (int s = 0; s < count; s++) {
            int o = s * SLOT;
            for (int k = 0; k < 16; k++) img[o + k] = (byte) rnd.nextInt(256);
            switch (s % 4) {
                case 0:
                    img[o] = (byte) 0xc4;
                    img[o + 1] = (byte) ((img[o + 1] & 0xe0) | (1 + rnd.nextInt(3)));
                    break;
                case 1:
                    img[o] = (byte) 0xc5;
                    break;
                case 2:
                    img[o] = (byte) 0x8f;
                    img[o + 1] = (byte) ((img[o + 1] & 0xe0) | (8 + rnd.nextInt(3)));
                    break;
                default:
                    img[o] = 0x62;
                    img[o + 1] = (byte) ((img[o + 1] & 0xf0) | evexMaps[rnd.nextInt(5)]);
                    img[o + 2] = (byte) (img[o + 2] | 4);
                    break;
            }
            for (int k = 16; k < SLOT; k++) img[o + k] = (byte) 0x90;
        }
        // Half the strings are XOP or EVEX, whose text is .insn; the VEX half is all compared.
        check(img, count, "random-vex", 0.5);
    }

    private static void check(byte[] img, int count, String name, double minTextFraction) throws Exception {
        Path dir = Objdump.buildDir(name);
        Path bin = dir.resolve("random.bin");
        Files.write(bin, img);
        List<Objdump.Line> lines = Objdump.disassembleBinary(bin);
        Map<Long, Objdump.Line> byAddr = new HashMap<>();
        for (Objdump.Line l : lines) byAddr.put(l.address, l);

        Compare.Result r = new Compare.Result();
        r.candidates = count;
        List<String> mismatches = r.mismatches;
        for (int s = 0; s < count; s++) {
            long addr = (long) s * SLOT;
            Objdump.Line l = byAddr.get(addr);
            if (l == null) {
                mismatches.add("no objdump line at " + Long.toHexString(addr));
                continue;
            }
            // the CPU view must never throw either
            Decoder.decode(img, s * SLOT, 16, addr);
            Compare.compareOne(img, s * SLOT, SLOT, addr, l, r, true);
        }
        List<String> report = new ArrayList<>();
        report.add(r.toString());
        report.addAll(mismatches);
        Files.write(dir.resolve("report.txt"), report);
        System.out.println(name + ": " + r);
        assertEquals(List.of(), mismatches.subList(0, Math.min(40, mismatches.size())));
        Compare.assertFloors(name, r, MIN_STRINGS, minTextFraction);
    }
}
