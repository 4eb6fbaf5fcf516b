package io.kprobelab.machine.internal.elf;

/**
 * One ELF64 program header (Elf64_Phdr), as read from the file.
 *
 * @param index  its position in the program header table
 * @param type   p_type (PT_LOAD, PT_DYNAMIC, ...)
 * @param flags  p_flags (PF_X = 1, PF_W = 2, PF_R = 4)
 * @param offset p_offset, unsigned
 * @param vaddr  p_vaddr
 * @param filesz p_filesz, unsigned
 * @param memsz  p_memsz, unsigned
 */
record ProgramHeader(int index, int type, int flags, long offset, long vaddr, long filesz, long memsz) {

    static final int PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_SHLIB = 5,
            PT_PHDR = 6, PT_TLS = 7;
    static final int PF_X = 1, PF_W = 2, PF_R = 4;

    boolean executable() { return (flags & PF_X) != 0; }

    boolean writable() { return (flags & PF_W) != 0; }

    boolean readable() { return (flags & PF_R) != 0; }

    /** The last byte of its memory image (memsz must be non-zero). */
    long lastByte() { return vaddr + memsz - 1; }

    /** Whether the virtual address lies in [vaddr, vaddr + memsz). */
    boolean containsVirtual(long address) {
        return Long.compareUnsigned(address - vaddr, memsz) < 0 && Long.compareUnsigned(address, vaddr) >= 0;
    }

    String typeName() {
        return switch (type) {
            case PT_NULL -> "PT_NULL"; case PT_LOAD -> "PT_LOAD"; case PT_DYNAMIC -> "PT_DYNAMIC";
            case PT_INTERP -> "PT_INTERP"; case PT_NOTE -> "PT_NOTE"; case PT_SHLIB -> "PT_SHLIB";
            case PT_PHDR -> "PT_PHDR"; case PT_TLS -> "PT_TLS";
            default -> String.format("p_type 0x%x", type);
        };
    }

    /** {@code PT_LOAD #2 [0x401000-0x402000)} for error messages. */
    String describe() {
        return String.format("%s #%d [0x%x-0x%x)", typeName(), index, vaddr, vaddr + memsz);
    }
}
