/*
 * Licensed under the Apache License, Version 2.0.
 */
package io.kprobelab.x86;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.internal.Ops;
import io.kprobelab.x86.internal.Validity;
import io.kprobelab.x86.oracle.Objdump;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Writes {@code src/main/resources/io/kprobelab/x86/internal/validity.bin} (see {@link Validity})
 * by running every grid point through objdump. Skipped unless asked for:
 * {@code mvn -pl bundles/x86 test -Dtest=ValidityTableGenerator -Dkprobelab.generate=true}
 * (about a minute). Run it twice when the structural decoder changes: the lengths it cuts the
 * candidates at come from the decoder.
 */
class ValidityTableGenerator {

    static final byte[] FILL = new byte[16];

    static {
        for (int i = 0; i < 16; i++) FILL[i] = (byte) (0x11 * (i % 7 + 1));
    }

    /** Measured codes per family, 0xff = not measured. */
    final byte[][] grid = new byte[Validity.SHAPE.length][];
    final Map<String, Integer> stats = new HashMap<>();

    // the candidates of the current batch
    final ByteArrayOutputStream img = new ByteArrayOutputStream(1 << 24);
    int n;
    int[] start = new int[1 << 16], end = new int[1 << 16], fam = new int[1 << 16], cell = new int[1 << 16],
            opEnd = new int[1 << 16], pfx1 = new int[1 << 16], eqs = new int[1 << 16];
    /** Cells whose candidate had equal register fields ({@code Validity.EQ_*} bits). */
    final Map<Long, Integer> tainted = new HashMap<>();

    @Test
    void generate() throws Exception {
        assumeTrue(Boolean.getBoolean("kprobelab.generate"), "set -Dkprobelab.generate=true to regenerate");
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        for (int f = 0; f < grid.length; f++) {
            int[] s = Validity.SHAPE[f];
            grid[f] = new byte[s[0] * 256 * s[1] * s[2] * s[3]];
            Arrays.fill(grid[f], (byte) 0xff);
        }
        legacy();
        threeDNow();
        flush();
        vex();
        flush();
        evexBase();
        flush();
        equalities();
        flush();
        evexDev();
        flush();
        untaint();
        Path out = Paths.get(System.getProperty("kprobelab.generate.out",
                "src/main/resources/io/kprobelab/x86/internal/validity.bin"));
        write(out);
        System.out.println("validity stats: " + new java.util.TreeMap<>(stats));
    }

    // ------------------------------------------------------------------ grids

    void legacy() throws Exception {
        for (int map = 0; map < 4; map++) {
            for (int op = 0; op < 256; op++) {
                if (map == 0 && SweepTest.skipOneByte(op)) continue;
                if (map == 0 && (op == 0x8f || op == 0x9b)) continue;
                if (map == 1 && (op == 0x38 || op == 0x3a || op == 0x0f)) continue;
                if (Ops.entry(map, op) != null) continue;
                for (int st = 0; st < 48; st++) {
                    byte[] b = new byte[24];
                    int i = 0;
                    if ((st % 2) == 1) b[i++] = 0x66;
                    int rep = (st / 2) % 3;
                    if (rep == 1) b[i++] = (byte) 0xf3;
                    if (rep == 2) b[i++] = (byte) 0xf2;
                    int rex = ((st / 6) & 1) << 3 | ((st / 12) & 1) << 2 | ((st / 24) & 1);
                    if (rex != 0) b[i++] = (byte) (0x40 | rex);
                    if (map >= 1) b[i++] = 0x0f;
                    if (map == 2) b[i++] = 0x38;
                    if (map == 3) b[i++] = 0x3a;
                    b[i++] = (byte) op;
                    int row = Validity.row(Validity.LEGACY, map, op, st, 0);
                    for (int mc = 0; mc < 80; mc++) {
                        int j = i;
                        byte[] c = b.clone();
                        // [rax+disp32]: a (bad) after the ModRM byte differs from the full length
                        if (mc < 8) c[j++] = (byte) (0x80 | (mc << 3));
                        else if (mc < 16) c[j++] = (byte) (((mc - 8) << 3) | 5);
                        else c[j++] = (byte) (0xc0 | (mc - 16));
                        add(Validity.LEGACY, row, c, j);
                    }
                }
            }
        }
    }

    /** modrm (+ SIB) bytes of a class of {@link Validity#mc80} (apart = SIB) or mc24. */
    static int modrm(byte[] c, int j, int mc, boolean wide) {
        // disp32 forms, so that a (bad) after the ModRM or SIB byte differs from the full length
        if (mc < 8) {
            c[j++] = (byte) (0x80 | (mc << 3));
        } else if (mc < 16) {
            c[j++] = (byte) (0x84 | ((mc - 8) << 3));
            // [rax+rbp*1+disp32]: index 5 differs from every vvvv the probes use (0, 1, 9, 16, 17)
            c[j++] = 0x28;
        } else if (wide) {
            c[j++] = (byte) (0xc0 | (mc - 16));
        } else {
            c[j++] = (byte) (0xc0 | ((mc - 16) << 3) | 5); // rm 5, for the same reason
        }
        return j;
    }

    static int vexMap(int m) {
        return m < 3 ? m + 1 : m + 5;
    }

    void vex() throws Exception {
        for (int m = 0; m < 6; m++) {
            int mapField = vexMap(m);
            int esc = m < 3 ? 0xc4 : 0x8f;
            for (int op = 0; op < 256; op++) {
                for (int st = 0; st < 16; st++) {
                    int pp = st & 3, l = (st >> 2) & 1, w = st >> 3;
                    for (int probe = -1; probe < 4; probe++) {
                        int b1 = 0xe0 | mapField;
                        int vvvv = 0xf;
                        if (probe == 0) vvvv = ~1 & 0xf;
                        if (probe == 1) vvvv = ~9 & 0xf;
                        if (probe == 2) b1 &= ~0x80;
                        if (probe == 3) b1 &= ~0x20;
                        int b2 = (w << 7) | (vvvv << 3) | (l << 2) | pp;
                        int fam = probe < 0 ? Validity.VEX_BASE : Validity.VEX_DEV;
                        int row = Validity.row(fam, m, op, st, Math.max(probe, 0));
                        int nmc = probe < 0 ? 80 : 24;
                        for (int mc = 0; mc < nmc; mc++) {
                            byte[] c = new byte[24];
                            c[0] = (byte) esc;
                            c[1] = (byte) b1;
                            c[2] = (byte) b2;
                            c[3] = (byte) op;
                            int j = modrm(c, 4, mc, probe < 0);
                            add(fam, row, c, j);
                        }
                    }
                }
            }
        }
    }

    static final int[] EVEX_MAPS = {1, 2, 3, 5, 6};

    static byte[] evex(int map, int op, int pp, int w, int ll, int b, int aaa, int probe) {
        int p0 = 0xf0 | EVEX_MAPS[map];
        int vvvv = 0xf, vp = 1, z = 0;
        switch (probe) {
            case 0: z = 1; break;
            case 1: vvvv = ~1 & 0xf; break;
            case 2: vvvv = ~9 & 0xf; break;
            case 3: vp = 0; break;
            case 4: vvvv = ~1 & 0xf; vp = 0; break;
            case 5: p0 &= ~0x80; break;
            case 6: p0 &= ~0x10; break;
            case 7: p0 &= ~0x20; break;
            case 8: p0 &= ~0x40; break;
            default: break;
        }
        byte[] c = new byte[24];
        c[0] = 0x62;
        c[1] = (byte) p0;
        c[2] = (byte) ((w << 7) | (vvvv << 3) | 4 | pp);
        c[3] = (byte) ((z << 7) | (ll << 5) | (b << 4) | (vp << 3) | aaa);
        c[4] = (byte) op;
        return c;
    }

    void evexBase() throws Exception {
        for (int m = 0; m < 5; m++) {
            for (int op = 0; op < 256; op++) {
                for (int st = 0; st < 128; st++) {
                    int row = Validity.row(Validity.EVEX_BASE, m, op, st, 0);
                    for (int mc = 0; mc < 24; mc++) {
                        byte[] c = evex(m, op, st & 3, (st >> 2) & 1, (st >> 3) & 3, (st >> 5) & 1, st >> 6, -1);
                        add(Validity.EVEX_BASE, row, c, modrm(c, 5, mc, false));
                    }
                }
            }
        }
    }

    void evexDev() throws Exception {
        for (int m = 0; m < 5; m++) {
            for (int op = 0; op < 256; op++) {
                for (int ds = 0; ds < 32; ds++) {
                    int pp = ds & 3, w = (ds >> 2) & 1, b = (ds >> 3) & 1, k = ds >> 4;
                    for (int mc = 0; mc < 24; mc++) {
                        // deviations are measured at a vector length the base accepts, if any;
                        // else the probes still tell which check objdump applies first
                        int ll = evexLength(m, op, pp, w, b, k, mc);
                        if (ll < 0) ll = 2;
                        for (int probe = 0; probe < 9; probe++) {
                            byte[] c = evex(m, op, pp, w, ll, b, k, probe);
                            add(Validity.EVEX_DEV, Validity.row(Validity.EVEX_DEV, m, op, ds, probe), c, modrm(c, 5, mc, false),
                                    mc);
                        }
                    }
                }
            }
        }
    }

    /** LL at which the EVEX base accepts (map, op, pp, W, b, mask) for a modrm class; -1 if none. */
    int evexLength(int m, int op, int pp, int w, int b, int k, int mc) {
        for (int cand : new int[] {2, 1, 0, 3}) {
            int st = pp + 4 * w + 8 * cand + 32 * b + 64 * k;
            if (grid[Validity.EVEX_BASE][Validity.row(Validity.EVEX_BASE, m, op, st, 0) * 24 + mc] == Validity.OK) {
                return cand;
            }
        }
        return -1;
    }

    /** The {@link Validity#EQUAL} probes: (reg, v, rm or index) all distinct, then one pair equal. */
    void equalities() throws Exception {
        // {reg, v, rm/index} per probe cell; -1: memory without SIB
        int[][] probes = {{1, 2, -1}, {1, 1, -1}, {1, 2, 3}, {1, 1, 3}, {1, 2, 1}, {1, 2, 2}, {1, 2, 3}, {1, 1, 3},
            {1, 2, 1}, {1, 2, 2}};
        for (int m = 0; m < 11; m++) {
            for (int op = 0; op < 256; op++) {
                for (int st = 0; st < 16; st++) {
                    int row = Validity.row(Validity.EQUAL, m, op, st, 0);
                    for (int p = 0; p < probes.length; p++) {
                        int reg = probes[p][0], v = probes[p][1], x = probes[p][2];
                        int kind = p < 2 ? 0 : p < 6 ? 8 : 16;
                        byte[] c;
                        int j;
                        if (m < 6) {
                            c = new byte[24];
                            c[0] = (byte) (m < 3 ? 0xc4 : 0x8f);
                            c[1] = (byte) (0xe0 | vexMap(m));
                            c[2] = (byte) (((st >> 3) << 7) | ((~v & 0xf) << 3) | (((st >> 2) & 1) << 2) | (st & 3));
                            c[3] = (byte) op;
                            j = 4;
                        } else {
                            // with a mask if only that makes the form valid (EVEX gathers)
                            int pp = st & 3, w = (st >> 2) & 1, b = st >> 3;
                            int k = 0;
                            int ll = evexLength(m - 6, op, pp, w, b, 0, kind + 1);
                            if (ll < 0) {
                                k = 1;
                                ll = evexLength(m - 6, op, pp, w, b, 1, kind + 1);
                            }
                            c = evex(m - 6, op, pp, w, ll < 0 ? 2 : ll, b, k, -1);
                            c[2] = (byte) ((c[2] & 0x87) | ((~v & 0xf) << 3));
                            j = 5;
                        }
                        if (kind == 0) {
                            c[j++] = (byte) (0x80 | (reg << 3));
                        } else if (kind == 8) {
                            c[j++] = (byte) (0x84 | (reg << 3));
                            c[j++] = (byte) (x << 3);
                        } else {
                            c[j++] = (byte) (0xc0 | (reg << 3) | x);
                        }
                        add(Validity.EQUAL, row, c, j, p);
                    }
                }
            }
        }
    }

    /**
     * Cells of the other grids whose candidate had equal registers measured the equality, not
     * the cell: where that equality matters, take an untainted cell of the same kind instead.
     */
    void untaint() {
        int fixed = 0;
        for (Map.Entry<Long, Integer> t : tainted.entrySet()) {
            int f = (int) (t.getKey() >> 40);
            int c = (int) (t.getKey() & 0xffffffffL);
            int[] s = Validity.SHAPE[f];
            int mcs = s[3];
            int row = c / mcs, mc = c % mcs;
            int probeRow = row / s[2];
            int state = probeRow % s[1];
            int op = (probeRow / s[1]) % 256;
            int map = probeRow / s[1] / 256;
            boolean evex = f == Validity.EVEX_BASE || f == Validity.EVEX_DEV;
            int eqMap = evex ? 6 + map : map;
            int eqState = f == Validity.EVEX_BASE ? (state & 7) + 8 * ((state >> 5) & 1)
                    : f == Validity.EVEX_DEV ? state & 15 : state;
            int kind = mc < 8 ? Validity.EQP_MEM : mc < 16 ? Validity.EQP_SIB : Validity.EQP_REG;
            byte[] eg = grid[Validity.EQUAL];
            int er = Validity.row(Validity.EQUAL, eqMap, op, eqState, 0) * 10;
            if (eg[er + kind] != Validity.OK) continue;
            boolean sensitive = false;
            int p = kind + 1;
            int mask = t.getValue();
            for (int bit = 1; bit <= Validity.EQ_V_INDEX; bit <<= 1) {
                boolean probed = kind == Validity.EQP_MEM ? bit == Validity.EQ_REG_V
                        : kind == Validity.EQP_SIB
                                ? (bit & (Validity.EQ_REG_V | Validity.EQ_REG_INDEX | Validity.EQ_V_INDEX)) != 0
                                : (bit & (Validity.EQ_REG_V | Validity.EQ_REG_RM | Validity.EQ_V_RM)) != 0;
                if (!probed) continue;
                if ((mask & bit) != 0 && eg[er + p] != Validity.OK && eg[er + p] != (byte) 0xff) sensitive = true;
                p++;
            }
            if (!sensitive) continue;
            int lo = mc < 8 ? 0 : mc < 16 ? 8 : 16, hi = mc < 8 ? 8 : mc < 16 ? 16 : mcs;
            byte[] g = grid[f];
            for (int k = lo; k < hi; k++) {
                long key = ((long) f << 40) | (row * mcs + k);
                if (k != mc && !tainted.containsKey(key) && g[row * mcs + k] != (byte) 0xff) {
                    g[row * mcs + mc] = g[row * mcs + k];
                    fixed++;
                    break;
                }
            }
        }
        stats.put("cells re-read from an untainted neighbour", fixed);
    }

    // ------------------------------------------------------------------ candidates

    void add(int family, int row, byte[] c, int j) throws Exception {
        add(family, row, c, j, -1);
    }

    /** Adds one candidate: the decoder cuts it at its structural length and names its cell. */
    void add(int family, int row, byte[] c, int j, int forcedMc) throws Exception {
        if (family != Validity.THREEDNOW) System.arraycopy(FILL, 0, c, j, Math.min(FILL.length, c.length - j));
        Insn d = Decoder.decode(c, 0, c.length, 0);
        boolean measured = d.status == Insn.Status.OK
                || (d.status == Insn.Status.INVALID && d.badKind == Formatter.BAD_MEASURED);
        if (!measured) {
            stats.merge("skipped (structural)", 1, Integer::sum);
            return;
        }
        int full = d.status == Insn.Status.INVALID ? d.formLength : d.length;
        int mc;
        int[] s = Validity.SHAPE[family];
        if (forcedMc >= 0) mc = forcedMc;
        else if (s[3] == 80) mc = Validity.mc80(d.hasModrm, d.mod, d.reg, d.rm,
                family == Validity.LEGACY ? d.ripRelative : d.hasSib);
        else mc = Validity.mc24(d.hasModrm, d.mod, d.reg, d.hasSib);
        if (n == start.length) {
            int k = n * 2;
            start = Arrays.copyOf(start, k);
            end = Arrays.copyOf(end, k);
            fam = Arrays.copyOf(fam, k);
            cell = Arrays.copyOf(cell, k);
            opEnd = Arrays.copyOf(opEnd, k);
            pfx1 = Arrays.copyOf(pfx1, k);
            eqs = Arrays.copyOf(eqs, k);
        }
        eqs[n] = Decoder.eqMask(d);
        start[n] = img.size();
        img.write(c, 0, full);
        end[n] = img.size();
        fam[n] = family;
        cell[n] = row * s[3] + mc;
        opEnd[n] = d.opcodeOffset + 1;
        pfx1[n] = d.prefixCount + 1;
        n++;
        if (n >= 1_500_000) flush();
    }

    /** Runs the batch through objdump (dense, then the lost ones padded with NOPs). */
    void flush() throws Exception {
        if (n == 0) return;
        byte[] bytes = img.toByteArray();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        List<Integer> lost = run(bytes, Arrays.copyOf(start, n), idx);
        if (!lost.isEmpty()) {
            ByteArrayOutputStream pad = new ByteArrayOutputStream();
            int[] s2 = new int[lost.size()];
            int[] i2 = new int[lost.size()];
            for (int k = 0; k < lost.size(); k++) {
                int i = lost.get(k);
                s2[k] = pad.size();
                i2[k] = i;
                pad.write(bytes, start[i], end[i] - start[i]);
                for (int q = 0; q < 16; q++) pad.write(0x90);
            }
            List<Integer> lost2 = run(pad.toByteArray(), s2, i2);
            stats.merge("lost twice", lost2.size(), Integer::sum);
        }
        img.reset();
        n = 0;
    }

    /** Returns the candidate indices objdump did not start a line at. */
    List<Integer> run(byte[] bytes, int[] starts, int[] index) throws Exception {
        Path dir = Objdump.buildDir("validity");
        Path bin = dir.resolve("batch.bin");
        Files.write(bin, bytes);
        Process p = new ProcessBuilder("objdump", "-D", "-z", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", "-w",
                bin.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean[] seen = new boolean[starts.length];
        int k = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII),
                1 << 20)) {
            String line;
            while ((line = r.readLine()) != null) {
                int colon = line.indexOf(":\t");
                if (colon < 0) continue;
                long addr;
                try {
                    addr = Long.parseLong(line.substring(0, colon).trim(), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                while (k < starts.length && starts[k] < addr) k++;
                if (k >= starts.length || starts[k] != addr) continue;
                int t = line.indexOf('\t', colon + 2);
                String hex = t < 0 ? line.substring(colon + 2) : line.substring(colon + 2, t);
                int len = hex.trim().split(" ").length;
                boolean bad = t >= 0 && line.indexOf("(bad)", t) >= 0;
                seen[k] = true;
                record(index[k], len, bad);
            }
        }
        p.waitFor();
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) if (!seen[i]) lost.add(index[i]);
        return lost;
    }

    void record(int i, int len, boolean bad) {
        int full = end[i] - start[i];
        int code;
        if (!bad) {
            code = Validity.OK;
            if (len != full) stats.merge("valid, length differs, family " + fam[i], 1, Integer::sum);
        } else if (len == pfx1[i] && len != opEnd[i]) {
            code = Validity.BAD_AFTER_PREFIX;
        } else if (len == opEnd[i]) {
            code = Validity.BAD_AFTER_OPCODE;
        } else if (len == full) {
            code = Validity.BAD_FULL;
        } else if (len == opEnd[i] + 1) {
            code = Validity.BAD_AFTER_MODRM;
        } else if (len == pfx1[i] + 1) {
            code = Validity.BAD_AFTER_PREFIX2;
        } else {
            code = Validity.BAD_FULL;
            String k = "bad, other length " + (len - opEnd[i]) + " after opcode, family " + fam[i];
            if (stats.merge(k, 1, Integer::sum) == 1) stats.put(k + " e.g. " + hex(i), 1);
        }
        byte[] g = grid[fam[i]];
        int old = g[cell[i]];
        if (old != (byte) 0xff && old != code) {
            stats.merge("conflict family " + fam[i], 1, Integer::sum);
            if (old != Validity.OK) return; // a (bad) seen for the class wins
        }
        g[cell[i]] = (byte) code;
        if (eqs[i] != 0 && fam[i] >= Validity.VEX_BASE && fam[i] <= Validity.EVEX_DEV) {
            tainted.merge(((long) fam[i] << 40) | cell[i], eqs[i], (a, b) -> a | b);
        }
        stats.merge("family " + fam[i] + " code " + code, 1, Integer::sum);
    }

    String hex(int i) {
        StringBuilder sb = new StringBuilder();
        byte[] b = img.toByteArray();
        for (int k = start[i]; k < end[i]; k++) sb.append(String.format("%02x", b[k] & 0xff));
        return sb.toString();
    }

    /** 0F 0F modrm imm8: the suffix decides. */
    void threeDNow() throws Exception {
        int row = Validity.row(Validity.THREEDNOW, 0, 0, 0, 0);
        for (int sfx = 0; sfx < 256; sfx++) {
            byte[] c = {0x0f, 0x0f, (byte) 0xc1, (byte) sfx, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            add(Validity.THREEDNOW, row, c, 4, sfx);
        }
    }

    // ------------------------------------------------------------------ output

    void write(Path out) throws Exception {
        Files.createDirectories(out.getParent());
        try (OutputStream os = Files.newOutputStream(out);
                DataOutputStream o = new DataOutputStream(new GZIPOutputStream(os, 1 << 16))) {
            for (int f = 0; f < grid.length; f++) {
                int[] s = Validity.SHAPE[f];
                int mcs = s[3];
                int bpr = (mcs + 1) / 2;
                int rows = s[0] * 256 * s[1] * s[2];
                Map<String, Integer> uniq = new HashMap<>();
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                o.writeInt(rows);
                for (int r = 0; r < rows; r++) {
                    byte[] packed = new byte[bpr];
                    for (int mc = 0; mc < mcs; mc++) {
                        int v = grid[f][r * mcs + mc];
                        if (v == (byte) 0xff) v = Validity.OK;
                        packed[mc >> 1] |= (byte) (v << ((mc & 1) * 4));
                    }
                    String key = new String(packed, StandardCharsets.ISO_8859_1);
                    Integer id = uniq.get(key);
                    if (id == null) {
                        id = uniq.size();
                        uniq.put(key, id);
                        data.write(packed);
                    }
                    if (id > 0xffff) throw new IllegalStateException("too many distinct rows in family " + f);
                    o.writeChar(id);
                }
                o.writeInt(data.size());
                o.write(data.toByteArray());
                stats.put("distinct rows family " + f, uniq.size());
            }
        }
    }
}
