package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's {@code %pS} rendering of an address ({@code sprint_symbol}): {@code sym+0xoff/0xsize},
 * or {@code 0x<hex>} when no symbol covers it. Like kallsyms, the size is the distance to the next
 * symbol (which includes alignment padding), falling back to the ELF size for the last symbol.
 */
public final class KallsymsFormat {

    private KallsymsFormat() {
    }

    /** Appends {@code %pS} of {@code address} to {@code out}. */
    public static StringBuilder appendSymbol(StringBuilder out, SymbolTable symbols, long address) {
        Optional<Symbol> found = symbols.symbolAt(address);
        if (found.isEmpty()) {
            return FetchType.appendHex(out.append("0x"), address);
        }
        Symbol s = found.get();
        long size = kallsymsSize(symbols.all(), s);
        FetchType.appendHex(out.append(s.name()).append("+0x"), address - s.address());
        return FetchType.appendHex(out.append("/0x"), size);
    }

    /** {@code %pS} of {@code address} as a string. */
    public static String symbol(SymbolTable symbols, long address) {
        return appendSymbol(new StringBuilder(48), symbols, address).toString();
    }

    private static long kallsymsSize(List<Symbol> all, Symbol s) {
        // first symbol strictly above s (all() is ordered by address)
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(all.get(mid).address(), s.address()) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < all.size() ? all.get(lo).address() - s.address() : s.size();
    }
}
