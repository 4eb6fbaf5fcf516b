package io.kprobelab.machine.internal.elf;

/**
 * One ELF64 section header (Elf64_Shdr), with its name resolved from the section-name string
 * table.
 */
record SectionHeader(int index, String name, int type, long flags, long addr, long offset, long size,
                     int link, int info, long entsize) {

    static final int SHT_NULL = 0, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_DYNSYM = 11,
            SHT_SYMTAB_SHNDX = 18;
    static final long SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_TLS = 0x400;

    boolean alloc() { return (flags & SHF_ALLOC) != 0; }

    boolean writable() { return (flags & SHF_WRITE) != 0; }

    boolean executable() { return (flags & SHF_EXECINSTR) != 0; }

    /** {@code section 7 (.symtab)} for error messages. */
    String describe() {
        return "section " + index + (name.isEmpty() ? "" : " (" + name + ")");
    }
}
