package io.kprobelab.linux.internal.image;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.util.List;

/**
 * The kernel's ELF as the machine sees it, with the kernel's symbols wherever they came from
 * ({@code .symtab}, System.map or kallsyms): {@link io.kprobelab.machine.Machine#bootKernel} takes
 * its symbols from here.
 */
final class KernelElfImage implements ElfImage {

    private final ElfImage elf;
    private final List<Symbol> symbols;

    KernelElfImage(ElfImage elf, List<Symbol> symbols) {
        this.elf = elf;
        this.symbols = List.copyOf(symbols);
    }

    @Override
    public String name() { return elf.name(); }

    @Override
    public long entry() { return elf.entry(); }

    @Override
    public List<Segment> segments() { return elf.segments(); }

    @Override
    public byte[] fileBytes() { return elf.fileBytes(); }

    @Override
    public List<Symbol> symbols() { return symbols; }

    @Override
    public long[] section(String name) { return elf.section(name); }

    @Override
    public String toString() {
        return String.format("%s: entry 0x%x, %d segments, %d symbols", name(), entry(), segments().size(),
                symbols.size());
    }
}
