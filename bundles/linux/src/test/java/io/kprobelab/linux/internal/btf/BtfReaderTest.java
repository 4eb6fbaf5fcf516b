package io.kprobelab.linux.internal.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.linux.Btf;
import io.kprobelab.linux.BtfKind;
import io.kprobelab.linux.BtfMember;
import io.kprobelab.linux.LinuxImageException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-made BTF, one record of every kind that has trailing data, laid out by btf.rst:
 *
 * <pre>
 *   1 int (4 bytes, 32 bits)        2 typedef u32 = 1          3 const u32 (2)
 *   4 int[3] (array of 1)           5 union { u32 a; long b; } (anonymous, 8 bytes)
 *   6 struct s { u32 x; union { .. }; unsigned int f:3; int[3] arr; }  (kind_flag: bitfield sizes)
 *   7 enum64 e { A = 1 }            8 decl_tag "tag" on 6       9 long (8 bytes)
 *   10 func_proto (int, ...)        11 var v : u32              12 datasec ".data..percpu" { v at 16 }
 * </pre>
 */
class BtfReaderTest {

    final ByteArrayOutputStream types = new ByteArrayOutputStream();
    final ByteArrayOutputStream strings = new ByteArrayOutputStream();

    int str(String s) {
        int off = strings.size();
        strings.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
        return off;
    }

    void u32(long... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putInt((int) x);
        }
        types.writeBytes(b.array());
    }

    void type(String name, int kind, int vlen, boolean kindFlag, long sizeOrType) {
        u32(name.isEmpty() ? 0 : str(name), (kindFlag ? 1L << 31 : 0) | (long) kind << 24 | vlen, sizeOrType);
    }

    byte[] build() {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(types.size())
                .putInt(types.size()).putInt(strings.size());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h.array());
        all.writeBytes(types.toByteArray());
        all.writeBytes(strings.toByteArray());
        return all.toByteArray();
    }

    byte[] sample() {
        str("");
        type("unsigned int", 1, 0, false, 4);
        u32(32);
        type("u32", 8, 0, false, 1);
        type("", 10, 0, false, 2);
        type("", 3, 0, false, 0);
        u32(1, 1, 3);
        type("", 5, 2, false, 8);
        u32(str("a"), 3, 0);
        u32(str("b"), 9, 0);
        type("s", 4, 4, true, 32);
        u32(str("x"), 2, 0);
        u32(0, 5, 64);
        u32(str("f"), 1, (3L << 24) | 128);
        u32(str("arr"), 4, 160);
        type("e", 19, 1, false, 8);
        u32(str("A"), 1, 0);
        type("tag", 17, 0, false, 6);
        u32(-1);
        type("long", 1, 0, false, 8);
        u32(0x01000040);
        type("", 13, 1, false, 1);
        u32(0, 1);
        type("v", 14, 0, false, 2);
        u32(1);
        type(".data..percpu", 15, 1, false, 64);
        u32(11, 16, 4);
        return build();
    }

    @Test
    void everyKindIsSizedAndMembersAreFound() throws Exception {
        Btf btf = Btf.parse("t", sample());
        assertEquals(12, btf.typeCount());
        assertEquals(BtfKind.DATASEC, btf.kind(12));
        assertEquals(4, btf.sizeOf(3), "const -> typedef -> int");
        assertEquals(12, btf.sizeOf(4), "int[3]");
        assertEquals(32, btf.sizeOf("s"));
        assertEquals(new BtfMember("x", 0, 0, 4, 2), btf.member("s", "x"));
        assertEquals(new BtfMember("b", 64, 0, 8, 9), btf.member("s", "b"), "through the anonymous union");
        assertEquals(new BtfMember("f", 128, 3, 4, 1), btf.member("s", "f"), "kind_flag bitfield");
        assertEquals(new BtfMember("arr", 160, 0, 12, 4), btf.member("s", "arr"));
        assertEquals(List.of(new io.kprobelab.linux.BtfVar("v", 16, 4, 2)), btf.datasec(".data..percpu"));
        String m = assertThrows(IllegalArgumentException.class, () -> btf.member("s", "x.y")).getMessage();
        assertEquals("t: s.x is INT, not a struct or union, so it has no member y", m);
        m = assertThrows(IllegalArgumentException.class, () -> btf.member("s", "nope")).getMessage();
        assertEquals("t: s (struct s) has no member nope", m);
    }

    @Test
    void anUnknownKindStopsTheParse() {
        str("");
        type("unsigned int", 1, 0, false, 4);
        u32(32);
        type("x", 20, 0, false, 0);
        String m = assertThrows(LinuxImageException.class, () -> Btf.parse("t", build())).getMessage();
        assertEquals("t: BTF type 2 at 0x28 has kind 20, which this reader does not know (1..19 up to ENUM64); "
                + "the types after it cannot be found", m);
    }

    @Test
    void truncatedOrForeignBytesAreRefused() {
        byte[] b = sample();
        String m = assertThrows(LinuxImageException.class,
                () -> Btf.parse("t", java.util.Arrays.copyOf(b, b.length - 10))).getMessage();
        assertEquals(true, m.startsWith("t: truncated BTF: type section"), m);
        b[0] = 0x7f;
        m = assertThrows(LinuxImageException.class, () -> Btf.parse("t", b)).getMessage();
        assertEquals("t: not BTF: magic 0xeb7f, expected 0xeb9f", m);
    }
}
