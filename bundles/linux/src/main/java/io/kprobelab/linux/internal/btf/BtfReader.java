package io.kprobelab.linux.internal.btf;

import io.kprobelab.linux.Btf;
import io.kprobelab.linux.BtfKind;
import io.kprobelab.linux.BtfMember;
import io.kprobelab.linux.BtfVar;
import io.kprobelab.linux.LinuxImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads BTF as Documentation/bpf/btf.rst lays it out (and as the kernel's own {@code btf_parse}
 * in kernel/bpf/btf.c walks it): a header, a type section of {@code struct btf_type} records each
 * followed by kind-specific data, and a string section. Every record of every kind up to ENUM64
 * is sized exactly; an unknown kind stops the parse, since the records after it could not be
 * found. Types are kept as offsets into the bytes and decoded on demand.
 */
public final class BtfReader implements Btf {

    static final int MAGIC = 0xeb9f, TYPE_HEADER = 12;
    /** Longest typedef/qualifier chain followed before calling it a loop. */
    static final int MAX_CHAIN = 64;

    private final String source;
    private final ByteBuffer b;
    private final int strOff, strLen;
    /** Byte offset of each type's record, by id (index 0 unused: void). */
    private final int[] at;
    private final Map<String, List<Integer>> byName = new HashMap<>();

    private BtfReader(String source, ByteBuffer b, int strOff, int strLen, int[] at) {
        this.source = source;
        this.b = b;
        this.strOff = strOff;
        this.strLen = strLen;
        this.at = at;
    }

    /** {@link Btf#parse}. */
    public static Btf parse(String name, byte[] bytes) throws LinuxImageException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 24) {
            throw new LinuxImageException(name, "BTF of " + bytes.length + " bytes: shorter than its 24-byte header");
        }
        int magic = b.getShort(0) & 0xffff;
        if (magic != MAGIC) {
            throw new LinuxImageException(name, magic == 0x9feb ? "big-endian BTF (magic 0xeb9f byte-swapped); an "
                    + "x86-64 kernel's is little-endian" : String.format("not BTF: magic 0x%04x, expected 0xeb9f", magic));
        }
        if (bytes[2] != 1) {
            throw new LinuxImageException(name, "BTF version " + (bytes[2] & 0xff) + ", this reader knows 1");
        }
        long hdrLen = u32(b, 4), typeOff = u32(b, 8), typeLen = u32(b, 12), strOff = u32(b, 16), strLen = u32(b, 20);
        if (hdrLen < 24 || hdrLen > bytes.length) {
            throw new LinuxImageException(name, "BTF hdr_len " + hdrLen + " does not fit " + bytes.length + " bytes");
        }
        if (hdrLen + typeOff + typeLen > bytes.length || hdrLen + strOff + strLen > bytes.length) {
            throw new LinuxImageException(name, String.format("truncated BTF: type section %d+%d and string section "
                    + "%d+%d after a %d-byte header, in %d bytes", typeOff, typeLen, strOff, strLen, hdrLen, bytes.length));
        }
        if (strLen == 0 || bytes[(int) (hdrLen + strOff)] != 0) {
            throw new LinuxImageException(name, "BTF string section does not start with the empty string");
        }
        int[] at = scan(name, b, (int) (hdrLen + typeOff), (int) typeLen);
        BtfReader r = new BtfReader(name, b, (int) (hdrLen + strOff), (int) strLen, at);
        for (int id = 1; id < at.length; id++) {
            String n = r.name(id);
            if (!n.isEmpty()) {
                r.byName.computeIfAbsent(n, k -> new ArrayList<>(1)).add(id);
            }
        }
        return r;
    }

    /** The record offset of every type, sizing each record by its kind. */
    private static int[] scan(String name, ByteBuffer b, int start, int len) throws LinuxImageException {
        List<Integer> offsets = new ArrayList<>();
        offsets.add(-1);
        int p = start, end = start + len;
        while (p < end) {
            if (end - p < TYPE_HEADER) {
                throw new LinuxImageException(name, String.format("truncated BTF type %d at 0x%x: %d bytes left of a "
                        + "12-byte record", offsets.size(), p, end - p));
            }
            int info = b.getInt(p + 4);
            int kind = (info >>> 24) & 0x1f, vlen = info & 0xffff;
            BtfKind k = BtfKind.of(kind);
            if (k == null) {
                throw new LinuxImageException(name, String.format("BTF type %d at 0x%x has kind %d, which this reader "
                        + "does not know (1..19 up to ENUM64); the types after it cannot be found", offsets.size(), p, kind));
            }
            offsets.add(p);
            p += TYPE_HEADER + extra(k, vlen);
        }
        if (p != end) {
            throw new LinuxImageException(name, String.format("BTF type section: the last record runs 0x%x bytes past "
                    + "its end", p - end));
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Bytes of kind-specific data after the 12-byte record (btf.rst section 2.2). */
    static int extra(BtfKind k, int vlen) {
        return switch (k) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> 12 * vlen;
            case ENUM, FUNC_PROTO -> 8 * vlen;
            case VOID, PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> 0;
        };
    }

    @Override
    public int typeCount() {
        return at.length - 1;
    }

    @Override
    public BtfKind kind(int id) {
        return id == 0 ? BtfKind.VOID : BtfKind.of((info(id) >>> 24) & 0x1f);
    }

    @Override
    public String name(int id) {
        return id == 0 ? "void" : string(b.getInt(rec(id)));
    }

    @Override
    public List<Integer> find(String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    @Override
    public int struct(String name) {
        for (int id : byName.getOrDefault(name, List.of())) {
            BtfKind k = kind(id);
            if (k == BtfKind.STRUCT || k == BtfKind.UNION) {
                return id;
            }
        }
        throw new IllegalArgumentException(source + ": no struct or union " + name + " in the BTF");
    }

    @Override
    public long sizeOf(int id) {
        int t = resolve(id);
        BtfKind k = kind(t);
        return switch (k) {
            case INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT -> u32(b, rec(t) + 8);
            case PTR -> 8; // x86-64
            case ARRAY -> u32(b, rec(t) + TYPE_HEADER + 8) * sizeOf(b.getInt(rec(t) + TYPE_HEADER));
            case VAR -> sizeOf(b.getInt(rec(t) + 8));
            default -> throw new IllegalArgumentException(source + ": type " + id + " (" + k + " " + name(t)
                    + ") has no size");
        };
    }

    /** {@code id} with typedefs and qualifiers stripped. */
    int resolve(int id) {
        int t = id;
        for (int i = 0; i < MAX_CHAIN && kind(t).isAlias(); i++) {
            t = b.getInt(rec(t) + 8);
        }
        if (kind(t).isAlias()) {
            throw new IllegalArgumentException(source + ": typedef/qualifier chain from type " + id + " does not end");
        }
        return t;
    }

    @Override
    public BtfMember member(String struct, String path) {
        int type = struct(struct);
        long bits = 0;
        BtfMember m = null;
        String walked = struct;
        for (String part : path.split("\\.", -1)) {
            int container = resolve(type);
            if (kind(container) != BtfKind.STRUCT && kind(container) != BtfKind.UNION) {
                throw new IllegalArgumentException(source + ": " + walked + " is " + kind(container) + ", not a "
                        + "struct or union, so it has no member " + part);
            }
            m = find(container, part, bits);
            if (m == null) {
                throw new IllegalArgumentException(source + ": " + walked + " (" + kind(container).name().toLowerCase()
                        + " " + name(container) + ") has no member " + part);
            }
            bits = m.bitOffset();
            type = m.typeId();
            walked = walked + "." + part;
        }
        return m;
    }

    /** Member {@code name} of struct/union {@code id} placed at {@code base} bits, searching anonymous members too. */
    private BtfMember find(int id, String name, long base) {
        int r = rec(id);
        int info = info(id);
        boolean kindFlag = info < 0;
        int vlen = info & 0xffff;
        for (int i = 0; i < vlen; i++) {
            int m = r + TYPE_HEADER + 12 * i;
            String n = string(b.getInt(m));
            int type = b.getInt(m + 4);
            long off = u32(b, m + 8);
            int bitSize = 0;
            if (kindFlag) {
                bitSize = (int) (off >>> 24);
                off &= 0xffffff;
            } else {
                bitSize = intBitfield(type);
            }
            if (n.equals(name)) {
                return new BtfMember(n, base + off, bitSize, sizeOf(type), type);
            }
            int t = resolve(type);
            if (n.isEmpty() && (kind(t) == BtfKind.STRUCT || kind(t) == BtfKind.UNION)) {
                BtfMember inner = find(t, name, base + off);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** Without kind_flag, a bitfield is an INT member whose bit count is less than its size (btf.rst 2.2.4). */
    private int intBitfield(int type) {
        int t = resolve(type);
        if (kind(t) != BtfKind.INT) {
            return 0;
        }
        int enc = b.getInt(rec(t) + TYPE_HEADER);
        int bits = enc & 0xff;
        return bits != 8 * u32(b, rec(t) + 8) ? bits : 0;
    }

    @Override
    public List<BtfVar> datasec(String section) {
        List<BtfVar> out = new ArrayList<>();
        for (int id : byName.getOrDefault(section, List.of())) {
            if (kind(id) != BtfKind.DATASEC) {
                continue;
            }
            int r = rec(id), vlen = info(id) & 0xffff;
            for (int i = 0; i < vlen; i++) {
                int v = r + TYPE_HEADER + 12 * i;
                int var = b.getInt(v);
                out.add(new BtfVar(name(var), u32(b, v + 4), u32(b, v + 8),
                        kind(var) == BtfKind.VAR ? b.getInt(rec(var) + 8) : var));
            }
        }
        return out;
    }

    private int rec(int id) {
        if (id <= 0 || id >= at.length) {
            throw new IllegalArgumentException(source + ": no BTF type " + id + " (there are " + typeCount() + ")");
        }
        return at[id];
    }

    private int info(int id) {
        return b.getInt(rec(id) + 4);
    }

    private String string(int off) {
        if (off < 0 || off >= strLen) {
            throw new IllegalArgumentException(source + ": BTF name offset " + Integer.toUnsignedString(off)
                    + " is outside the string section (" + strLen + " bytes)");
        }
        int s = strOff + off, e = s;
        int limit = strOff + strLen;
        while (e < limit && b.get(e) != 0) {
            e++;
        }
        return new String(b.array(), s, e - s, StandardCharsets.UTF_8);
    }

    private static long u32(ByteBuffer b, int o) {
        return b.getInt(o) & 0xffffffffL;
    }

    @Override
    public String toString() {
        return source + ": BTF with " + typeCount() + " types";
    }
}
