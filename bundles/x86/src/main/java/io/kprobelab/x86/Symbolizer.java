package io.kprobelab.x86;

/**
 * Names an address for the formatter: returns {@code "foo"} or {@code "foo+0x10"} (objdump's
 * {@code <...>} text), or null when the address has no symbol.
 */
@FunctionalInterface
public interface Symbolizer {

    /** A symbolizer that names nothing (objdump {@code -b binary} output). */
    Symbolizer NONE = address -> null;

    /**
     * @param address an absolute address (branch target, RIP-relative operand address)
     * @return {@code "sym"}, {@code "sym+0xoff"}, or null
     */
    String symbolize(long address);
}
