package io.kprobelab.linux.internal.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds the kallsyms tables in a kernel image that has no symbols to say where they are, as
 * vmlinux-to-elf does: first the token table, by the run of single-digit tokens {@code "0" .. "9"}
 * that every kernel's table holds (scripts/kallsyms.c keeps each byte that occurs in a name as a
 * token of its own, and digits occur in names); it must be followed by a token index that
 * describes it exactly. Then, backwards, {@code kallsyms_num_syms}: a count whose names, markers
 * and name-order table end exactly at the token table, with a kernel address as the relative base
 * before it. Every candidate is checked in full, so a false match is not taken.
 */
final class KallsymsLocator {

    private static final byte[] DIGITS = {'0', 0, '1', 0, '2', 0, '3', 0, '4', 0, '5', 0, '6', 0, '7', 0, '8', 0, '9', 0};
    /** More symbols than this would be a kernel no one builds; it bounds every scan. */
    static final int MAX_SYMS = 1 << 22;

    private final byte[] b;
    private final ByteBuffer le;

    KallsymsLocator(byte[] image) {
        this.b = image;
        this.le = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The tables, or null if the image has none that check out. */
    KallsymsTables locate() {
        for (int at = indexOf(DIGITS, 0); at >= 0; at = indexOf(DIGITS, at + 1)) {
            int[] tokens = tokenTable(at);
            if (tokens == null) {
                continue;
            }
            KallsymsTables t = fromTokenTable(tokens[0], tokens[1]);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /**
     * {tableStart, indexStart} if the "0" at {@code zero} is token 0x30 of a token table whose
     * token index follows it; else null.
     */
    private int[] tokenTable(int zero) {
        // From token 0x30 forward to the end of token 0xff.
        int p = zero;
        for (int i = 0x30; i < 256; i++) {
            int end = strEnd(p);
            if (end < 0) {
                return null;
            }
            p = end + 1;
        }
        int index = align8(p);
        if (index + 512 > b.length) {
            return null;
        }
        int start = zero - u16(index + 2 * 0x30);
        if (start < 0 || u16(index) != 0) {
            return null;
        }
        int q = start;
        for (int i = 0; i < 256; i++) {
            if (u16(index + 2 * i) != q - start) {
                return null;
            }
            int end = strEnd(q);
            if (end < 0) { // tokens may be empty (a byte value no name uses), never unterminated
                return null;
            }
            q = end + 1;
        }
        return q == p ? new int[] {start, index} : null;
    }

    /** Walks back from the token table to kallsyms_num_syms and checks the whole layout. */
    private KallsymsTables fromTokenTable(int tokenTable, int tokenIndex) {
        for (int p = (tokenTable & ~7) - 8; p >= 8; p -= 8) {
            long n = u32(p);
            if (n == 0 || n > MAX_SYMS || u32(p + 4) != 0) {
                continue;
            }
            // Fewer bytes remain between here and the token table than the tables would need.
            if ((long) tokenTable - p < 8 + n * 2 + 4 * ((n + 255) / 256) + 3 * n) {
                continue;
            }
            long base = le.getLong(p - 8);
            if ((base >>> 47) != 0x1ffff) {
                continue; // the relative base is a kernel-half address
            }
            int offsets = (int) ((p - 8 - 4 * n) & ~7L);
            if (offsets < 0) {
                continue;
            }
            KallsymsTables t = check(offsets, base, (int) n, p + 8, tokenTable, tokenIndex);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The layout if names, markers and seqs_of_names fit exactly between {@code names} and the token table. */
    private KallsymsTables check(int offsets, long base, int n, int names, int tokenTable, int tokenIndex) {
        int markers = (n + 255) / 256;
        int seqs = (tokenTable - 3 * n) & ~7;
        int markersAt = (seqs - 4 * markers) & ~7;
        if (align8(seqs + 3 * n) != tokenTable || align8(markersAt + 4 * markers) != seqs || markersAt <= names
                || u32(markersAt) != 0) {
            return null; // cheap: the first marker is 0 where n says the markers are
        }
        int off = 0;
        for (int i = 0; i < n; i++) {
            if ((i & 0xff) == 0 && u32(markersAt + 4 * (i >> 8)) != off) {
                return null;
            }
            int at = names + off;
            if (at >= markersAt) {
                return null;
            }
            int len = b[at] & 0xff;
            int head = 1;
            if ((len & 0x80) != 0) {
                len = (len & 0x7f) | (b[at + 1] & 0xff) << 7;
                head = 2;
            }
            if (len == 0) {
                return null;
            }
            off += head + len;
        }
        if (align8(names + off) != markersAt) {
            return null;
        }
        return new KallsymsTables(offsets, base, n, names, markersAt, seqs, tokenTable, tokenIndex);
    }

    private int strEnd(int from) {
        for (int i = from; i < b.length && i < from + 256; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte[] pattern, int from) {
        outer:
        for (int i = from; i <= b.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (b[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int align8(int v) {
        return (v + 7) & ~7;
    }

    private int u16(int o) {
        return le.getShort(o) & 0xffff;
    }

    private long u32(int o) {
        return le.getInt(o) & 0xffffffffL;
    }
}
