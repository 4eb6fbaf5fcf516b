package io.kprobelab.machine.internal.elf;

import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The symbols of a loaded image, indexed for kallsyms-style lookups: by name through a hash map,
 * by address through a binary search over arrays sorted by (unsigned) address, so that
 * {@link #symbolAt} is cheap enough for every oops line and trace record.
 */
public final class ElfSymbolTable implements SymbolTable {

    /** For lookups: address (unsigned), then text before other kinds, global before local, then name. */
    private static final Comparator<Symbol> ORDER = Comparator.comparing(Symbol::address, Long::compareUnsigned)
            .thenComparing(s -> !s.isText())
            .thenComparing(s -> Character.isLowerCase(s.type()))
            .thenComparing(Symbol::name);

    private final List<Symbol> all;
    private final Symbol[] byAddress;
    private final long[] starts;
    /** The highest end (address + size, unsigned, saturated) of any symbol at or before each index. */
    private final long[] maxEnd;
    private final Map<String, List<Symbol>> byName;

    /** Indexes {@code symbols}; their order does not matter. */
    public ElfSymbolTable(List<Symbol> symbols) {
        byAddress = symbols.toArray(new Symbol[0]);
        Arrays.sort(byAddress, ORDER);
        Symbol[] listed = byAddress.clone();
        Arrays.sort(listed, Comparator.comparing(Symbol::address, Long::compareUnsigned).thenComparing(Symbol::name));
        all = Collections.unmodifiableList(Arrays.asList(listed));
        starts = new long[byAddress.length];
        maxEnd = new long[byAddress.length];
        long max = 0;
        for (int i = 0; i < byAddress.length; i++) {
            Symbol s = byAddress[i];
            starts[i] = s.address();
            long end = s.address() + s.size();
            if (Long.compareUnsigned(end, s.address()) < 0) {
                end = -1L; // wrapped past the top of the address space
            }
            if (i == 0 || Long.compareUnsigned(end, max) > 0) {
                max = end;
            }
            maxEnd[i] = max;
        }
        Map<String, List<Symbol>> names = new HashMap<>();
        for (Symbol s : byAddress) {
            names.computeIfAbsent(s.name(), k -> new ArrayList<>(1)).add(s);
        }
        names.replaceAll((k, v) -> List.copyOf(v));
        byName = names;
    }

    @Override
    public List<Symbol> all() {
        return all;
    }

    @Override
    public Optional<Symbol> lookup(String name) {
        List<Symbol> l = byName.get(name);
        return l == null ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<Symbol> lookupAll(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /**
     * The innermost symbol whose [address, address + size) contains {@code address}; failing
     * that, as kallsyms does for padding and unsized assembly labels, the text symbol that starts
     * nearest below it when no other symbol starts in between.
     */
    @Override
    public Optional<Symbol> symbolAt(long address) {
        int hi = lastAtOrBelow(address);
        if (hi < 0) {
            return Optional.empty();
        }
        // Walk down while an earlier symbol could still reach the address; usually one step.
        for (int i = hi; i >= 0 && Long.compareUnsigned(maxEnd[i], address) > 0; i--) {
            if (byAddress[i].contains(address)) {
                while (i > 0 && starts[i - 1] == starts[i] && byAddress[i - 1].contains(address)) {
                    i--; // the preferred one of symbols sharing this start
                }
                return Optional.of(byAddress[i]);
            }
        }
        // Nearest start below: the first of that address group is the preferred text symbol.
        long start = starts[hi];
        int first = hi;
        while (first > 0 && starts[first - 1] == start) {
            first--;
        }
        return byAddress[first].isText() ? Optional.of(byAddress[first]) : Optional.empty();
    }

    /** Index of the last symbol whose address is at or below {@code address} (unsigned), or -1. */
    private int lastAtOrBelow(long address) {
        int lo = 0, hi = starts.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "ElfSymbolTable[" + byAddress.length + " symbols]";
    }
}
