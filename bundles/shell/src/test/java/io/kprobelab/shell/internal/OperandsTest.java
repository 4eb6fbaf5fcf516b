package io.kprobelab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperandsTest {

    private final FakeMachine machine = new FakeMachine(0xffffffff81000000L, new byte[16])
            .sym("add3", 0xffffffff81000000L, 8, 'T')
            .sym("beef", 0xffffffff81000100L, 8, 'T');

    @Test
    void testInteger_decimalHexNegativeAndFullUnsignedRange() {
        assertEquals(42, Operands.integer("42"));
        assertEquals(-42, Operands.integer("-42"));
        assertEquals(0x2a, Operands.integer("0x2A"));
        assertEquals(-0x10, Operands.integer("-0x10"));
        assertEquals(-1, Operands.integer("0xffffffffffffffff"));
        assertEquals(-1, Operands.integer("18446744073709551615"));
        assertEquals(Long.MIN_VALUE, Operands.integer("-9223372036854775808"));
        assertThrows(IllegalArgumentException.class, () -> Operands.integer("0x"));
        assertThrows(IllegalArgumentException.class, () -> Operands.integer("ten"));
        assertThrows(IllegalArgumentException.class, () -> Operands.integer("0x1ffffffffffffffff"));
    }

    @Test
    void testAddress_symbolWinsOverHex_offsetsAndBareHex() {
        assertEquals(0xffffffff81000100L, Operands.address("beef", machine.symbols()));
        assertEquals(0xffffffff81000004L, Operands.address("add3+0x4", machine.symbols()));
        assertEquals(0xffffffff81000010L, Operands.address("add3+16", machine.symbols()));
        assertEquals(0xdeadL, Operands.address("dead", machine.symbols()));
        assertEquals(0xffffffff81000000L, Operands.address("ffffffff81000000", machine.symbols()));
        assertEquals(0x1000L, Operands.address("0x1000", machine.symbols()));
        assertEquals("unknown symbol or address: nosuch",
                assertThrows(IllegalArgumentException.class, () -> Operands.address("nosuch", machine.symbols()))
                        .getMessage());
    }

    @Test
    void testGlob() {
        assertTrue(Operands.glob("sys_*").matcher("sys_mkdir").matches());
        assertFalse(Operands.glob("sys_*").matcher("do_sys_open").matches());
        assertTrue(Operands.glob("*mkdir*").matcher("do_mkdirat").matches());
        assertTrue(Operands.glob("a.b").matcher("a.b").matches());
        assertFalse(Operands.glob("a.b").matcher("axb").matches());
        assertTrue(Operands.glob("x[0-9]").matcher("x7").matches());
        assertFalse(Operands.glob("x[!0-9]").matcher("x7").matches());
        assertThrows(IllegalArgumentException.class, () -> Operands.glob("x[0-9"));
    }
}
