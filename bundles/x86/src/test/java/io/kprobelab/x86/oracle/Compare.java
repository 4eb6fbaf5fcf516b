package io.kprobelab.x86.oracle;

import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Formatter;
import io.kprobelab.x86.Insn;
import io.kprobelab.x86.Symbolizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares the decoder/formatter with objdump's lines for a flat image of candidate encodings. */
public final class Compare {

    /** Totals of one comparison. */
    public static final class Result {
        /** Encodings the test generated for comparison, those it then dropped included. */
        public int candidates;
        /** Of {@link #candidates}: left out of the image (the decoder gave no complete length). */
        public int dropped;
        /** Generated but not offered, by the test's design (a sample of the invalid VEX forms); not candidates. */
        public int sampledOut;
        public int lengthCompared;
        public int textCompared;
        /** Of {@link #textCompared}: instructions objdump decodes (no (bad)). */
        public int validTextCompared;
        public int badVerdicts;
        public int notCovered;
        /** Of {@link #notCovered}: objdump's (bad) whose text around the (bad) is not modelled. */
        public int badNotCovered;
        public int resynced;
        public final List<String> mismatches = new ArrayList<>();
        /** Valid instructions whose text is not reproduced ({@code .insn}), by opcode. */
        public final Map<String, Integer> uncoveredByOpcode = new HashMap<>();

        /** Candidates objdump decodes as an instruction (no (bad)), of those compared. */
        public int objdumpValid() {
            return lengthCompared - badVerdicts;
        }

        @Override
        public String toString() {
            return "candidates " + candidates + " (dropped " + dropped + ", sampled out before " + sampledOut
                    + "), length+verdict compared " + lengthCompared + ", texts compared "
                    + textCompared + " (" + validTextCompared + " of the " + objdumpValid() + " objdump decodes)"
                    + ", (bad) verdicts matched " + badVerdicts + ", text not covered " + notCovered
                    + " (" + badNotCovered + " of them (bad))"
                    + ", re-run padded " + resynced + ", mismatches " + mismatches.size();
        }
    }

    /**
     * The instruction families whose text the formatter leaves as {@code .insn} by design (see
     * {@link Formatter}), by the {@link #key} of their opcodes; a valid instruction of any other
     * opcode must have its text compared.
     */
    static final Map<String, String> INSN_FAMILIES = insnFamilies();

    private static Map<String, String> insnFamilies() {
        Map<String, String> f = new HashMap<>();
        for (int op = 0xd8; op <= 0xdf; op++) {
            f.put(String.format("%02x", op), "x87");
        }
        f.put("9b", "x87"); // FWAIT decoded together with the x87 form after it, as objdump prints it
        f.put("0f 0f", "3DNow!");
        f.put("0f 1a", "MPX");
        f.put("0f 1b", "MPX");
        f.put("0f a6", "PadLock");
        f.put("0f a7", "PadLock");
        f.put("evex/xop", "EVEX/XOP");
        return f;
    }

    /**
     * Fails unless {@code name}'s run offers at least {@code minCandidates} candidates, so that a
     * lowered count property cannot make a run that compares next to nothing pass; call it before
     * running objdump (an empty image would fail there, and say less).
     */
    public static void assertCandidateFloor(String name, int candidates, int minCandidates, String how) {
        if (candidates < minCandidates) {
            throw new AssertionError(name + ": floor not met: " + candidates + " candidates, the floor is "
                    + minCandidates + " (" + how + ")");
        }
    }

    /**
     * The floors of one comparison, so that it cannot pass by comparing little (each failure names
     * the floor and the count):
     * <ul>
     * <li>at least {@code minCandidates} candidates;</li>
     * <li>length and verdict compared for every candidate: none dropped, none left without an
     * objdump line;</li>
     * <li>the text compared for every instruction objdump decodes, except those of the
     * {@link #INSN_FAMILIES} (whether text is compared is {@link Formatter#isCovered}'s call,
     * which is code under test);</li>
     * <li>and so at least {@code minTextFraction} of the instructions objdump decodes have their
     * text compared: the test's own bound on the share of those families in what it generates.</li>
     * </ul>
     */
    public static void assertFloors(String name, Result r, int minCandidates, double minTextFraction) {
        List<String> failed = new ArrayList<>();
        if (r.candidates < minCandidates) {
            failed.add("candidates " + r.candidates + ", the floor is " + minCandidates);
        }
        if (r.lengthCompared != r.candidates) {
            failed.add("length and verdict compared for " + r.lengthCompared + " of " + r.candidates
                    + " candidates (" + r.dropped + " dropped), the floor is all of them");
        }
        Map<String, Integer> outside = new TreeMap<>();
        for (Map.Entry<String, Integer> e : r.uncoveredByOpcode.entrySet()) {
            if (!INSN_FAMILIES.containsKey(e.getKey())) {
                outside.put(e.getKey(), e.getValue());
            }
        }
        if (!outside.isEmpty()) {
            int n = outside.values().stream().mapToInt(Integer::intValue).sum();
            String first = outside.entrySet().stream().limit(12).map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", "));
            failed.add("text not compared for " + n + " valid instructions outside the .insn families (x87, 3DNow!,"
                    + " MPX, PadLock, EVEX/XOP), the floor is 0; by opcode: " + first
                    + (outside.size() > 12 ? ", ... (" + outside.size() + " opcodes)" : ""));
        }
        long textFloor = (long) Math.ceil(minTextFraction * r.objdumpValid());
        if (r.validTextCompared < textFloor) {
            failed.add("texts compared for " + r.validTextCompared + " of the " + r.objdumpValid()
                    + " instructions objdump decodes, the floor is " + textFloor + " (" + Math.round(minTextFraction * 100)
                    + "%)");
        }
        if (!failed.isEmpty()) {
            throw new AssertionError(name + ": floor not met: " + String.join("; ", failed) + "\n  " + r);
        }
    }

    private Compare() {
    }

    /**
     * Checks each candidate at {@code starts[i]} of {@code img} against objdump's line at that
     * address. Returns the indices whose objdump line is missing (objdump out of step).
     */
    public static List<Integer> check(byte[] img, int[] starts, int[] ends, List<Objdump.Line> lines, Result r,
            boolean compareText) {
        Map<Long, Objdump.Line> by = new HashMap<>(lines.size() * 2);
        for (Objdump.Line l : lines) by.put(l.address, l);
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            Objdump.Line l = by.get((long) starts[i]);
            if (l == null) {
                lost.add(i);
                continue;
            }
            compareOne(img, starts[i], ends[i] - starts[i], starts[i], l, r, compareText);
        }
        return lost;
    }

    /** Compares one objdump line with the decode at {@code off}. */
    public static void compareOne(byte[] img, int off, int avail, long addr, Objdump.Line l, Result r,
            boolean compareText) {
        // every verdict is compared: the measured tables (Validity) cover what Ops does not
        Insn insn = Decoder.decodeListing(img, off, Math.max(avail, 16), addr);
        boolean bad = l.text.contains("(bad)");
        String ours = Formatter.format(insn, Symbolizer.NONE);
        boolean covered = Formatter.isCovered(insn);
        r.lengthCompared++;
        if (bad) r.badVerdicts++;
        if (insn.length() != l.bytes.length || bad != Formatter.isBad(insn)) {
            r.mismatches.add(l + "   <-> ours: " + insn + " " + ours);
            return;
        }
        if (!compareText) return;
        if (!covered) {
            r.notCovered++;
            if (bad) {
                r.badNotCovered++;
                return;
            }
            String k = key(insn);
            r.uncoveredByOpcode.merge(k, 1, Integer::sum);
            return;
        }
        r.textCompared++;
        if (!bad) {
            r.validTextCompared++;
        }
        if (!ours.equals(l.text)) {
            r.mismatches.add(l + "   <-> ours: " + ours);
        }
    }

    static String key(Insn insn) {
        String[] maps = {"", "0f ", "0f38 ", "0f3a "};
        if (insn.encoding() == Insn.ENC_VEX) {
            return String.format("vex%d %02x pp%d", insn.map(), insn.opcode(), insn.vexPp());
        }
        if (insn.encoding() != Insn.ENC_LEGACY) return "evex/xop";
        return maps[insn.map()] + String.format("%02x", insn.opcode());
    }
}
