package io.kprobelab.linux;

/** Where a kernel's symbols came from, in the order they are looked for. */
public enum SymbolSource {
    /** The ELF's own {@code .symtab} (an unstripped vmlinux). */
    SYMTAB,
    /** A {@code System.map} given, or found beside the kernel. */
    SYSTEM_MAP,
    /** The kernel's own kallsyms tables, read from its image as {@code /proc/kallsyms} would print them. */
    KALLSYMS
}
