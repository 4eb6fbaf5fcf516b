package io.kprobelab.machine;

import java.util.List;
import java.util.Optional;

/**
 * The symbols of the loaded image (kallsyms).
 */
public interface SymbolTable {

    /** Every symbol, ordered by address then name. */
    List<Symbol> all();

    /** The symbol with this exact name; if several exist, the first by address. */
    Optional<Symbol> lookup(String name);

    /** Every symbol with this exact name (kprobe_events rejects a non-unique one). */
    List<Symbol> lookupAll(String name);

    /** The symbol containing {@code address} (or the nearest text symbol below it), if any. */
    Optional<Symbol> symbolAt(long address);

    /** {@code sym+0xoff} for an address, or {@code 0x<hex>} when no symbol covers it. */
    default String format(long address) {
        return symbolAt(address)
                .map(s -> s.name() + "+0x" + Long.toHexString(address - s.address()))
                .orElse("0x" + Long.toHexString(address));
    }
}
