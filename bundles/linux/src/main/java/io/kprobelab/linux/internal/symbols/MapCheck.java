package io.kprobelab.linux.internal.symbols;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.internal.image.KernelElf;
import io.kprobelab.machine.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks that symbols from outside the image (a System.map) belong to it: {@code startup_64} must
 * be the ELF's entry, and {@code linux_banner} must point at the image's "Linux version" string.
 * A map of another build (even of the same sources) fails one or both.
 */
public final class MapCheck {

    private static final byte[] BANNER = "Linux version ".getBytes(StandardCharsets.US_ASCII);

    private MapCheck() {
    }

    /** Throws naming the first disagreement between {@code symbols} (read from {@code name}) and {@code elf}. */
    public static void check(String name, List<Symbol> symbols, KernelElf elf) throws LinuxImageException {
        Symbol startup = find(symbols, "startup_64"), banner = find(symbols, "linux_banner");
        if (startup == null && banner == null) {
            throw new LinuxImageException(name, "not a Linux x86-64 symbol map: neither startup_64 nor linux_banner");
        }
        long entry = elf.image().entry();
        if (startup != null && startup.address() != entry) {
            throw new LinuxImageException(name, String.format("does not match %s: startup_64 is 0x%x here, but the "
                    + "kernel's entry is 0x%x (a map of another build?)", elf.image().name(), startup.address(), entry));
        }
        if (banner != null) {
            byte[] at = KernelMemory.of(elf).read(banner.address(), BANNER.length);
            if (at == null || !java.util.Arrays.equals(at, BANNER)) {
                throw new LinuxImageException(name, String.format("does not match %s: linux_banner 0x%x does not "
                        + "hold \"Linux version\" in the image (a map of another build?)", elf.image().name(),
                        banner.address()));
            }
        }
    }

    private static Symbol find(List<Symbol> symbols, String name) {
        for (Symbol s : symbols) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
