package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel number parsers and name rules the parser's verdicts rest on, and the API model. */
class KernelStringsTest {

    @Test
    void kstrtoul() {
        assertEquals(16L, KernelStrings.kstrtoul("0x10", 0));
        assertEquals(8L, KernelStrings.kstrtoul("010", 0));
        assertEquals(10L, KernelStrings.kstrtoul("10", 0));
        assertEquals(5L, KernelStrings.kstrtoul("+5", 0));
        assertEquals(5L, KernelStrings.kstrtoul("5\n", 0));
        assertEquals(-1L, KernelStrings.kstrtoul("18446744073709551615", 0));
        assertEquals(-1L, KernelStrings.kstrtoul("0xffffffffffffffff", 0));
        assertNull(KernelStrings.kstrtoul("18446744073709551616", 0));
        assertNull(KernelStrings.kstrtoul("0x", 0));
        assertNull(KernelStrings.kstrtoul("0x1g", 0));
        assertNull(KernelStrings.kstrtoul("08", 0));
        assertNull(KernelStrings.kstrtoul("", 0));
        assertNull(KernelStrings.kstrtoul("-1", 0));
        assertNull(KernelStrings.kstrtoul("1 ", 0));
        assertEquals(0x1aL, KernelStrings.kstrtoul("1a", 16));
        assertNull(KernelStrings.kstrtoul("1a", 10));
    }

    @Test
    void kstrtolAndUint() {
        assertEquals(Long.MIN_VALUE, KernelStrings.kstrtol("-9223372036854775808", 0));
        assertNull(KernelStrings.kstrtol("-9223372036854775809", 0));
        assertNull(KernelStrings.kstrtol("9223372036854775808", 0));
        assertEquals(-16L, KernelStrings.kstrtol("-0x10", 0));
        assertEquals(0L, KernelStrings.kstrtol("-0", 0));
        assertEquals(4294967295L, KernelStrings.kstrtouint("4294967295", 0));
        assertNull(KernelStrings.kstrtouint("4294967296", 0));
    }

    @Test
    void simpleStrtoul() {
        assertArrayEquals(new long[] {10, 3}, KernelStrings.simpleStrtoul("b10@4/32", 1, 0));
        assertArrayEquals(new long[] {0, 0}, KernelStrings.simpleStrtoul("a/16", 0, 0));
        assertArrayEquals(new long[] {0x1f, 4}, KernelStrings.simpleStrtoul("0x1f/8", 0, 0));
    }

    @Test
    void names() {
        assertTrue(KernelStrings.isGoodName("_a1"));
        assertFalse(KernelStrings.isGoodName("1a"));
        assertFalse(KernelStrings.isGoodName("a-b"));
        assertFalse(KernelStrings.isGoodName(""));
        assertTrue(KernelStrings.isGoodSystemName("my-group"));
        assertTrue(KernelStrings.isGoodSystemName("-x"));
        assertFalse(KernelStrings.isGoodSystemName("foo.1"));
        assertFalse(KernelStrings.isGoodSystemName("1foo"));
        assertEquals("p_foo_isra_0_0", KernelStrings.sanitizeEventName("p_foo.isra.0_0"));
        assertEquals("p_mod_sym_0", KernelStrings.sanitizeEventName("p_mod:sym_0"));
        assertEquals(".a_b", KernelStrings.sanitizeEventName(".a.b"));
    }

    @Test
    void definitionModel() {
        ProbeEventDefinition r = ProbeEventDefinition.onSymbol(true, 0, "kprobes", "ev", "vfs_read", 0,
                List.of(new ProbeArgument("arg1", "$retval", "x64", 0)));
        assertEquals("r:kprobes/ev vfs_read arg1=$retval", r.toString());
        assertEquals("r16:kprobes/ev vfs_read arg1=$retval", r.withMaxActive(16).toString());
        ProbeEventDefinition p = ProbeEventDefinition.onAddress(false, 0, "g", "e", 0xffffffff81000010L, List.of());
        assertEquals("p:g/e 0xffffffff81000010", p.toString());
        assertTrue(p.symbol().isEmpty());
        assertEquals(0xffffffff81000010L, p.address().getAsLong());
        assertEquals("vfs_read+12", ProbeEventDefinition.onSymbol(false, 0, "g", "e", "vfs_read", 12, List.of()).target());
    }
}
