package io.kprobelab.linux.internal.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.SymbolSource;
import io.kprobelab.linux.TestKernels;
import io.kprobelab.machine.Symbol;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kallsyms table read from the team's bzImage (whose vmlinux is stripped) against the
 * System.map of the same build.
 */
class KallsymsAgainstSystemMapTest {

    /** scripts/kallsyms.c leaves its own tables out of the table (they do not exist when it first runs). */
    static final Set<String> TABLES = Set.of("kallsyms_offsets", "kallsyms_relative_base", "kallsyms_num_syms",
            "kallsyms_names", "kallsyms_markers", "kallsyms_seqs_of_names", "kallsyms_token_table",
            "kallsyms_token_index");

    /**
     * Every function symbol is the same in both: address, type letter, name. The only other
     * differences are the symbols scripts/kallsyms.c drops on purpose ({@code is_ignored_symbol}):
     * absolute symbols (type A: {@code phys_startup_64} and the {@code init_per_cpu__*} offsets)
     * and the kallsyms tables themselves; nothing is in kallsyms that the map lacks.
     */
    @Test
    void everyFunctionSymbolAgrees() throws Exception {
        LinuxKernel k = LinuxKernel.parse("bzImage", TestKernels.teamBytes("bzImage"));
        assertEquals(SymbolSource.KALLSYMS, k.symbolSource());
        List<Symbol> map = SystemMap.parse("System.map", Files.readString(TestKernels.team("System.map")));

        Set<String> kallsymsText = lines(k.symbols(), true), mapText = lines(map, true);
        assertTrue(mapText.size() > 10_000, mapText.size() + " function symbols");
        assertEquals(mapText, kallsymsText);

        Set<String> kallsyms = lines(k.symbols(), false);
        Set<String> onlyKallsyms = new TreeSet<>(kallsyms);
        onlyKallsyms.removeAll(lines(map, false));
        assertEquals(Set.of(), onlyKallsyms);
        List<Symbol> onlyMap = map.stream().filter(s -> !kallsyms.contains(line(s))).toList();
        assertFalse(onlyMap.isEmpty());
        for (Symbol s : onlyMap) {
            assertTrue(s.type() == 'A' || TABLES.contains(s.name()), "in System.map, not in kallsyms: " + line(s));
        }
    }

    static String line(Symbol s) {
        return String.format("%016x %c %s", s.address(), s.type(), s.name());
    }

    static Set<String> lines(List<Symbol> symbols, boolean textOnly) {
        return symbols.stream().filter(s -> !textOnly || s.isText())
                .map(KallsymsAgainstSystemMapTest::line)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
