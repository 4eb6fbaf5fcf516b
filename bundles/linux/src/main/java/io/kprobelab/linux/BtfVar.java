package io.kprobelab.linux;

/**
 * A variable listed in a BTF DATASEC, such as a per-CPU variable in {@code .data..percpu}.
 *
 * @param name   the variable's name
 * @param offset its offset in the section (for .data..percpu: the per-CPU offset)
 * @param size   its size in bytes
 * @param typeId its BTF type id (of the variable's type)
 */
public record BtfVar(String name, long offset, long size, int typeId) {
}
