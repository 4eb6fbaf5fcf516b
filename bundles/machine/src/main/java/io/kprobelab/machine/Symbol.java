package io.kprobelab.machine;

/**
 * A symbol of the loaded image, as kallsyms shows it.
 *
 * @param name    the name
 * @param address its guest-virtual address
 * @param size    its size in bytes (0 if unknown)
 * @param type    the kallsyms type letter: {@code T}/{@code t} text, {@code D}/{@code d} data,
 *                {@code R}/{@code r} read-only data, {@code B}/{@code b} bss; upper case = global
 */
public record Symbol(String name, long address, long size, char type) {

    /** True for a text (function) symbol. */
    public boolean isText() {
        return type == 'T' || type == 't';
    }

    /** True when {@code addr} lies within [address, address + size). */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, address) >= 0 && Long.compareUnsigned(addr - address, size) < 0;
    }
}
