package io.kprobelab.linux.internal.symbols;

import io.kprobelab.machine.Symbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sizes for symbols from a listing that has none (System.map, kallsyms), computed the way
 * kallsyms computes them for {@code sym+off/size} ({@code get_symbol_pos} in kernel/kallsyms.c):
 * a symbol reaches the next symbol with a higher address. The last symbol gets 0.
 */
final class SymbolSizes {

    private SymbolSizes() {
    }

    static List<Symbol> fill(List<Symbol> symbols) {
        List<Symbol> sorted = new ArrayList<>(symbols);
        sorted.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned));
        List<Symbol> out = new ArrayList<>(sorted.size());
        int next = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Symbol s = sorted.get(i);
            if (next <= i) {
                next = i + 1;
            }
            while (next < sorted.size() && sorted.get(next).address() == s.address()) {
                next++;
            }
            long size = next < sorted.size() ? sorted.get(next).address() - s.address() : 0;
            out.add(new Symbol(s.name(), s.address(), size, s.type()));
        }
        return out;
    }
}
