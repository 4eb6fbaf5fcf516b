package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.oracle.Objdump;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder, checked by decoding its output back and against objdump. */
class EncoderTest {

    @Test
    void int3() {
        assertArrayEquals(new byte[] {(byte) 0xcc}, Encoder.int3()); // int3
        Insn i = Decoder.decode(Encoder.int3());
        assertEquals(1, i.length());
        assertEquals("int3", Formatter.format(i));
    }

    @Test
    void jmpAndCallDecodeBack() {
        long from = 0xffffffff81000000L;
        long to = 0xffffffffa0001234L;
        byte[] j = Encoder.jmpRel32(from, to);
        Insn i = Decoder.decode(j, from);
        assertEquals(Insn.Status.OK, i.status());
        assertEquals(5, i.length());
        assertEquals(to, i.branchTarget());
        assertEquals("jmp    0xffffffffa0001234", Formatter.format(i));
        byte[] c = Encoder.callRel32(to, from);
        i = Decoder.decode(c, to);
        assertEquals(from, i.branchTarget());
        assertEquals(0xe8, i.opcode());
        // backwards and the extremes of the range
        assertEquals(from - 0x80000000L + 5, Decoder.decode(Encoder.jmpRel32(from, from - 0x80000000L + 5), from).branchTarget());
        assertEquals(from + 5 + 0x7fffffffL, Decoder.decode(Encoder.jmpRel32(from, from + 5 + 0x7fffffffL), from).branchTarget());
    }

    @Test
    void rel32OutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Encoder.jmpRel32(0x1000, 0x1000 + 5 + 0x80000000L));
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Encoder.callRel32(0xffffffff81000000L, 0x90000000L));
        assertTrue(!Encoder.rel32Reaches(0xffffffff81000000L, 0x90000000L));
        assertTrue(Encoder.rel32Reaches(0xffffffff81000000L, 0xffffffffc0000000L));
    }

    @Test
    void nopsDecodeBack() {
        for (int n = 1; n <= 15; n++) {
            byte[] b = Encoder.nop(n);
            assertEquals(n, b.length);
            Insn i = Decoder.decode(b);
            assertEquals(Insn.Status.OK, i.status(), i.toString());
            assertEquals(n, i.length(), i.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> Encoder.nop(0));
        assertThrows(IllegalArgumentException.class, () -> Encoder.nop(16));
        byte[] f = Encoder.nops(23, 8);
        int at = 0;
        int count = 0;
        while (at < f.length) {
            at += Decoder.decode(f, at, f.length - at, at).length();
            count++;
        }
        assertEquals(23, at);
        assertEquals(3, count);
    }

    @Test
    void objdumpAgrees() throws Exception {
        assumeTrue(Objdump.available("objdump"), "objdump not installed");
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<Integer> starts = new ArrayList<>();
        for (int n = 1; n <= 15; n++) {
            starts.add(img.size());
            img.write(Encoder.nop(n));
        }
        starts.add(img.size());
        img.write(Encoder.int3());
        starts.add(img.size());
        img.write(Encoder.jmpRel32(img.size(), 0x1234));
        starts.add(img.size());
        img.write(Encoder.callRel32(img.size(), 0));
        byte[] bytes = img.toByteArray();
        Path bin = Objdump.buildDir("encoder").resolve("encoder.bin");
        Files.write(bin, bytes);
        List<Objdump.Line> lines = Objdump.disassembleBinary(bin);
        assertEquals(starts.size(), lines.size());
        for (int k = 0; k < lines.size(); k++) {
            Objdump.Line l = lines.get(k);
            assertEquals((long) starts.get(k), l.address);
            Insn i = Decoder.decodeListing(bytes, (int) l.address, bytes.length - (int) l.address, l.address);
            assertEquals(l.bytes.length, i.length(), l.toString());
            assertEquals(l.text, Formatter.format(i), l.toString());
        }
    }
}
