package io.kprobelab.linux.internal.image;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.internal.symbols.KernelMemory;
import io.kprobelab.machine.Symbol;
import java.util.List;

/**
 * Where a kernel keeps its BTF: the {@code .BTF} section of vmlinux, which the linker script
 * brackets with {@code __start_BTF} and {@code __stop_BTF} (include/asm-generic/vmlinux.lds.h) so
 * that the running kernel can serve it as /sys/kernel/btf/vmlinux. A bzImage's vmlinux keeps its
 * section headers; the symbols serve when they do not.
 */
final class KernelBtf {

    private KernelBtf() {
    }

    static byte[] bytes(String name, KernelElf elf, List<Symbol> symbols) throws LinuxImageException {
        long[] range = elf.image().section(".BTF");
        if (range == null) {
            range = fromSymbols(symbols);
        }
        if (range == null) {
            throw new LinuxImageException(name, "no BTF: neither a .BTF section nor __start_BTF/__stop_BTF "
                    + "(a kernel built without CONFIG_DEBUG_INFO_BTF)");
        }
        long len = range[1] - range[0];
        byte[] b = len > 0 && len < Integer.MAX_VALUE ? KernelMemory.of(elf).read(range[0], (int) len) : null;
        if (b == null) {
            throw new LinuxImageException(name, String.format("BTF at 0x%x-0x%x is not inside the image's segments",
                    range[0], range[1]));
        }
        return b;
    }

    private static long[] fromSymbols(List<Symbol> symbols) {
        long start = 0, stop = 0;
        for (Symbol s : symbols) {
            if (s.name().equals("__start_BTF")) {
                start = s.address();
            } else if (s.name().equals("__stop_BTF")) {
                stop = s.address();
            }
        }
        return start != 0 && stop != 0 ? new long[] {start, stop} : null;
    }
}
