package io.kprobelab.linux.internal.image;

import io.kprobelab.linux.Btf;
import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.LoadSegment;
import io.kprobelab.linux.SetupHeader;
import io.kprobelab.linux.SymbolSource;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A kernel read by {@link KernelReader}. */
public final class LinuxKernelImpl implements LinuxKernel {

    private final String name;
    private final KernelElf elf;
    private final ElfImage image;
    private final BzImage bzImage;
    private final List<Symbol> symbols;
    private final SymbolSource source;
    private Btf btf;

    LinuxKernelImpl(String name, KernelElf elf, BzImage bzImage, List<Symbol> symbols, SymbolSource source) {
        this.name = name;
        this.elf = elf;
        this.bzImage = bzImage;
        List<Symbol> sorted = new ArrayList<>(symbols);
        sorted.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned).thenComparing(Symbol::name));
        this.symbols = List.copyOf(sorted);
        this.source = source;
        this.image = source == SymbolSource.SYMTAB ? elf.image() : new KernelElfImage(elf.image(), this.symbols);
    }

    @Override
    public String name() { return name; }

    @Override
    public ElfImage elf() { return image; }

    @Override
    public long entryPhysical() { return elf.entry(); }

    @Override
    public List<LoadSegment> loadSegments() { return elf.segments(); }

    @Override
    public Optional<SetupHeader> setupHeader() {
        return bzImage == null ? Optional.empty() : Optional.of(bzImage.header());
    }

    /** The setup header's bytes from 0x1f1 to its end, as boot_params holds them; empty for a vmlinux. */
    public Optional<byte[]> setupHeaderBytes() {
        return bzImage == null ? Optional.empty() : Optional.of(bzImage.headerBytes());
    }

    @Override
    public Optional<String> compression() {
        return bzImage == null ? Optional.empty() : Optional.of(bzImage.compression().label());
    }

    @Override
    public List<Symbol> symbols() { return symbols; }

    @Override
    public SymbolSource symbolSource() { return source; }

    @Override
    public synchronized Btf btf() throws LinuxImageException {
        if (btf == null) {
            btf = Btf.parse(name + " BTF", KernelBtf.bytes(name, elf, symbols));
        }
        return btf;
    }

    /** The vmlinux ELF's bytes (the decompressed payload of a bzImage). */
    public byte[] elfBytes() {
        return elf.image().fileBytes();
    }

    @Override
    public String toString() {
        return name + ": " + (bzImage == null ? "vmlinux" : "bzImage (" + bzImage.compression().label() + ")")
                + ", entry 0x" + Long.toHexString(elf.entry()) + ", " + symbols.size() + " symbols from " + source;
    }
}
