package io.kprobelab.x86.oracle;

import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Formatter;
import io.kprobelab.x86.Insn;
import io.kprobelab.x86.Symbolizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compares the decoder/formatter with objdump's lines for a flat image of candidate encodings. */
public final class Compare {

    /** Totals of one comparison. */
    public static final class Result {
        public int candidates;
        public int lengthCompared;
        public int textCompared;
        public int badVerdicts;
        public int notCovered;
        /** Of {@link #notCovered}: objdump's (bad) whose text around the (bad) is not modelled. */
        public int badNotCovered;
        public int resynced;
        public final List<String> mismatches = new ArrayList<>();
        /** Valid instructions whose text is not reproduced ({@code .insn}), by opcode. */
        public final Map<String, Integer> uncoveredByOpcode = new HashMap<>();

        @Override
        public String toString() {
            return "candidates " + candidates + ", length+verdict compared " + lengthCompared + ", texts compared "
                    + textCompared + ", (bad) verdicts matched " + badVerdicts + ", text not covered " + notCovered
                    + " (" + badNotCovered + " of them (bad))"
                    + ", re-run padded " + resynced + ", mismatches " + mismatches.size();
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
