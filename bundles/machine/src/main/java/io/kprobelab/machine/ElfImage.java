package io.kprobelab.machine;

import java.nio.file.Path;
import java.util.List;

/**
 * A static ELF64 x86-64 executable image, parsed and validated.
 */
public interface ElfImage {

    /** A PT_LOAD segment. */
    record Segment(long vaddr, long memSize, long fileOffset, long fileSize,
                   boolean readable, boolean writable, boolean executable) {
    }

    /** Where it was read from (may be a synthetic name for in-memory images). */
    String name();

    /** The entry point. */
    long entry();

    /** The PT_LOAD segments in file order. */
    List<Segment> segments();

    /** The bytes of the whole file (segment contents are read from here). */
    byte[] fileBytes();

    /** Symbols from {@code .symtab} (functions and objects), with kallsyms type letters. */
    List<Symbol> symbols();

    /** Start and end of a named section, or null if absent ({@code long[]{start, end}}). */
    long[] section(String name);

    /**
     * Reads and validates an ELF file.
     *
     * @throws ElfException naming the file and what is wrong with it
     */
    static ElfImage read(Path file) throws ElfException {
        return io.kprobelab.machine.internal.elf.ElfReader.read(file);
    }

    /** Parses ELF bytes; {@code name} is used in error messages. */
    static ElfImage parse(String name, byte[] bytes) throws ElfException {
        return io.kprobelab.machine.internal.elf.ElfReader.parse(name, bytes);
    }
}
