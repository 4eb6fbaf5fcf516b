package io.kprobelab.x86;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidates of one {@link SweepTest} sweep, packed densely into one image, each cut at the
 * length the decoder gives.
 */
final class SweepImage {

    /** Representative SIB bytes, one per candidate in turn where the ModRM byte wants a SIB. */
    private static final int[] SIBS = {0x00, 0x24, 0x25, 0x65, 0xe5, 0x88, 0x4d, 0xc3, 0x1c, 0xa0, 0x5e, 0x35};
    /** What follows ModRM/SIB, alternately: displacements and immediates of either sign. */
    private static final byte[] FILL_POS = fill(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08, 0x19, 0x2a, 0x3b, 0x4c, 0x5d, 0x6e, 0x7f, 0x01);
    private static final byte[] FILL_NEG = fill(0xf8, 0xff, 0xff, 0xff, 0x80, 0xff, 0xff, 0xfe, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x87);

    private final ByteArrayOutputStream img;
    private final List<Integer> starts = new ArrayList<>();
    private final List<Integer> ends = new ArrayList<>();
    /** Candidates completed so far: picks the SIB and the fill, and the sweeps rotate their variants on it. */
    private int serial;
    /** Candidates offered to {@link #add(byte[], Insn)} and left out; they count against the sweep's floor. */
    private int dropped;

    SweepImage(int capacity) {
        this.img = new ByteArrayOutputStream(capacity);
    }

    private static byte[] fill(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    int serial() {
        return serial;
    }

    /**
     * Completes a candidate whose prefixes and opcode fill {@code raw[0..i)}: the ModRM byte, a
     * SIB where it wants one, then the fill up to the end of {@code raw}; decodes it from all of
     * {@code raw}.
     */
    Insn complete(byte[] raw, int i, int modrm) {
        raw[i++] = (byte) modrm;
        if ((modrm & 0xc7) == 0x04 || (modrm & 0xc7) == 0x44 || (modrm & 0xc7) == 0x84) {
            raw[i++] = (byte) SIBS[serial % SIBS.length];
        }
        byte[] fill = (serial & 1) == 0 ? FILL_POS : FILL_NEG;
        System.arraycopy(fill, 0, raw, i, Math.min(fill.length, raw.length - i));
        serial++;
        return Decoder.decodeListing(raw, 0, raw.length, 0);
    }

    /**
     * Adds a {@link #complete completed} candidate cut at its decoded length; an invalid form is
     * added whole, so that objdump sees the same bytes. A truncated one, or one of no length, is
     * left out and counted as {@link #dropped}: every candidate has more bytes than the longest
     * instruction, so the decoder should never say either.
     */
    void add(byte[] raw, Insn insn) {
        int len = insn.status() == Insn.Status.INVALID ? insn.formLength : insn.length();
        if (len <= 0 || insn.status() == Insn.Status.TRUNCATED) {
            dropped++;
            return;
        }
        add(raw, len);
    }

    /** Candidates left out by {@link #add(byte[], Insn)}. */
    int dropped() {
        return dropped;
    }

    /** Candidates offered: those in the image and those {@link #dropped}. */
    int offered() {
        return starts.size() + dropped;
    }

    /** Adds the first {@code len} bytes of {@code raw} as one candidate. */
    void add(byte[] raw, int len) {
        starts.add(img.size());
        img.write(raw, 0, len);
        ends.add(img.size());
    }

    byte[] bytes() {
        return img.toByteArray();
    }

    /** Where each candidate starts in {@link #bytes}. */
    int[] starts() {
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Where each candidate ends in {@link #bytes} (exclusive). */
    int[] ends() {
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }
}
