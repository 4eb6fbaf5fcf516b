package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.internal.elf.ElfSymbolTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ElfSymbolTable: name and address lookups, kallsyms-style. */
class ElfSymbolTableTest {

    private static final long K = 0xffffffff81000000L;

    private static final Symbol START = new Symbol("_start", K, 0, 'T');
    private static final Symbol F = new Symbol("f", K + 0x10, 0x20, 'T');
    private static final Symbol F_LOCAL_ALIAS = new Symbol("f_alias", K + 0x10, 0x20, 't');
    private static final Symbol G = new Symbol("g", K + 0x40, 0x10, 't');
    private static final Symbol DATA = new Symbol("table", K + 0x1000, 0x40, 'R');
    private static final Symbol INNER = new Symbol("table_tail", K + 0x1020, 0x8, 'r');
    private static final Symbol END = new Symbol("_end", K + 0x2000, 0, 'B');
    private static final Symbol LOW = new Symbol("low", 0x400000, 0x10, 'T');
    private static final Symbol DUP1 = new Symbol("dup", K + 0x50, 4, 't');
    private static final Symbol DUP2 = new Symbol("dup", 0x400100, 4, 't');

    private static SymbolTable table() {
        List<Symbol> l = new ArrayList<>(List.of(START, F, F_LOCAL_ALIAS, G, DATA, INNER, END, LOW, DUP1, DUP2));
        Collections.shuffle(l, new Random(1));
        return new ElfSymbolTable(l);
    }

    @Test
    void all_isOrderedByUnsignedAddressThenName() {
        assertEquals(List.of(LOW, DUP2, START, F, F_LOCAL_ALIAS, G, DUP1, DATA, INNER, END), table().all());
    }

    @Test
    void lookup_byName_firstByAddress() {
        SymbolTable t = table();
        assertEquals(Optional.of(G), t.lookup("g"));
        assertEquals(Optional.of(DUP2), t.lookup("dup"), "0x400100 is below 0xffffffff81000050");
        assertEquals(List.of(DUP2, DUP1), t.lookupAll("dup"));
        assertEquals(Optional.empty(), t.lookup("nope"));
        assertEquals(List.of(), t.lookupAll("nope"));
    }

    @Test
    void symbolAt_findsTheContainingSymbol() {
        SymbolTable t = table();
        assertEquals(Optional.of(F), t.symbolAt(K + 0x10), "global preferred over its local alias");
        assertEquals(Optional.of(F), t.symbolAt(K + 0x2f));
        assertEquals(Optional.of(G), t.symbolAt(K + 0x40));
        assertEquals(Optional.of(DATA), t.symbolAt(K + 0x1000));
        assertEquals(Optional.of(INNER), t.symbolAt(K + 0x1024), "the innermost symbol wins");
        assertEquals(Optional.of(DATA), t.symbolAt(K + 0x1030), "past the inner one, the outer one again");
        assertEquals(Optional.of(LOW), t.symbolAt(0x40000f));
    }

    @Test
    void symbolAt_fallsBackToTheTextSymbolBelow() {
        SymbolTable t = table();
        assertEquals(Optional.of(START), t.symbolAt(K + 5), "an unsized label covers up to the next symbol");
        assertEquals(Optional.of(F), t.symbolAt(K + 0x35), "padding after a function belongs to it, as in kallsyms");
        assertEquals(Optional.empty(), t.symbolAt(K + 0x1050), "past a data object: nothing");
        assertEquals(Optional.empty(), t.symbolAt(K + 0x3000), "past _end: nothing");
        assertEquals(Optional.empty(), t.symbolAt(0x1000), "below every symbol");
        assertEquals(Optional.empty(), new ElfSymbolTable(List.of()).symbolAt(K));
    }

    @Test
    void format_isSymPlusOffset() {
        SymbolTable t = table();
        assertEquals("f+0x5", t.format(K + 0x15));
        assertEquals("g+0x0", t.format(K + 0x40));
        assertEquals("0xffffffff81003000", t.format(K + 0x3000));
    }

    @Test
    void symbolAt_agreesWithALinearScan_onARealImage() throws Exception {
        List<String> flags = new ArrayList<>(Gcc.kernelImage("_start"));
        flags.add("-O2");
        Path elf = Gcc.build("layout-kernel.elf", flags, List.of("layout.c"), List.of());
        ElfImage img = ElfImage.read(elf);
        SymbolTable t = new ElfSymbolTable(img.symbols());
        int checked = 0;
        for (ElfImage.Segment seg : img.segments()) {
            for (long a = seg.vaddr(); a < seg.vaddr() + seg.memSize(); a++) {
                Symbol expected = null;
                for (Symbol s : img.symbols()) { // the innermost containing symbol, by a linear scan
                    if (s.contains(a) && (expected == null || Long.compareUnsigned(s.address(), expected.address()) > 0)) {
                        expected = s;
                    }
                }
                Optional<Symbol> got = t.symbolAt(a);
                if (expected != null) {
                    assertEquals(expected.address(), got.orElseThrow().address(), Long.toHexString(a));
                    assertTrue(got.get().contains(a));
                    checked++;
                } else {
                    got.ifPresent(s -> assertTrue(s.isText(), "fallback is to text only: " + s));
                }
            }
        }
        assertTrue(checked > 100, "checked " + checked);
        Symbol sum = t.lookup("layout_sum").orElseThrow();
        assertEquals("layout_sum+0x3", t.format(sum.address() + 3));
    }
}
