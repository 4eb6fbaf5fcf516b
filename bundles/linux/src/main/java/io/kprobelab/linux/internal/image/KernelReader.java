package io.kprobelab.linux.internal.image;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.SymbolSource;
import io.kprobelab.linux.internal.symbols.Kallsyms;
import io.kprobelab.linux.internal.symbols.MapCheck;
import io.kprobelab.linux.internal.symbols.SystemMap;
import io.kprobelab.machine.Symbol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a kernel file: a vmlinux ELF as it is, a bzImage through the vmlinux in its payload; then
 * finds its symbols ({@link LinuxKernel}'s order: {@code .symtab}, System.map, kallsyms).
 */
public final class KernelReader {

    private KernelReader() {
    }

    /** {@link LinuxKernel#open(Path, Path)}. */
    public static LinuxKernel open(Path kernel, Path systemMap) throws LinuxImageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(kernel);
        } catch (NoSuchFileException e) {
            throw new LinuxImageException(kernel.toString(), "no such file");
        } catch (IOException | OutOfMemoryError e) {
            throw new LinuxImageException(kernel.toString(), "cannot read: " + e, e);
        }
        Image img = image(kernel.toString(), bytes);
        if (!img.elf.image().symbols().isEmpty()) {
            return img.kernel(img.elf.image().symbols(), SymbolSource.SYMTAB);
        }
        Path map = systemMap != null ? systemMap : SystemMapFinder.beside(kernel, img.release());
        if (map != null) {
            List<Symbol> symbols = SystemMap.read(map);
            if (symbols != null) {
                MapCheck.check(map.toString(), symbols, img.elf);
                return img.kernel(symbols, SymbolSource.SYSTEM_MAP);
            }
            if (systemMap != null) {
                throw new LinuxImageException(map.toString(), "a placeholder, not a symbol map (no ADDRESS TYPE NAME line)");
            }
        }
        return img.kernel(Kallsyms.read(kernel.toString(), img.elf), SymbolSource.KALLSYMS);
    }

    /** {@link LinuxKernel#parse}. */
    public static LinuxKernel parse(String name, byte[] bytes) throws LinuxImageException {
        Image img = image(name, bytes);
        if (!img.elf.image().symbols().isEmpty()) {
            return img.kernel(img.elf.image().symbols(), SymbolSource.SYMTAB);
        }
        return img.kernel(Kallsyms.read(name, img.elf), SymbolSource.KALLSYMS);
    }

    /** The ELF and, for a bzImage, the image around it. */
    private record Image(String name, KernelElf elf, BzImage bz) {
        LinuxKernel kernel(List<Symbol> symbols, SymbolSource source) {
            return new LinuxKernelImpl(name, elf, bz, symbols, source);
        }

        String release() {
            return bz == null ? null : bz.header().release();
        }
    }

    private static Image image(String name, byte[] bytes) throws LinuxImageException {
        if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            return new Image(name, KernelElf.parse(name, bytes), null);
        }
        if (BzImage.looksLike(bytes)) {
            BzImage bz = BzImage.parse(name, bytes);
            byte[] vmlinux = PayloadDecompressor.decompress(name, bz);
            return new Image(name, KernelElf.parse(name + " (" + bz.compression().label() + " payload)", vmlinux), bz);
        }
        throw new LinuxImageException(name, "neither a vmlinux ELF (7f 45 4c 46) nor a bzImage (0xaa55 at 0x1fe, "
                + "\"HdrS\" at 0x202); first bytes " + BzImage.hex(bytes, 0, 4));
    }
}
