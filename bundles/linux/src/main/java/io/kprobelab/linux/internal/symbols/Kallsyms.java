package io.kprobelab.linux.internal.symbols;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.internal.image.KernelElf;
import io.kprobelab.machine.Symbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own symbol table, read from its image the way kernel/kallsyms.c reads it at run
 * time: names expanded through the token table ({@code kallsyms_expand_symbol}; the first
 * character is the type letter), addresses from the base-relative offsets
 * ({@code kallsyms_sym_address}). The tables are found without symbols ({@link KallsymsLocator}).
 */
public final class Kallsyms {

    private Kallsyms() {
    }

    /** The symbols of {@code elf}'s kallsyms tables, with sizes as kallsyms computes them. */
    public static List<Symbol> read(String name, KernelElf elf) throws LinuxImageException {
        byte[] image = elf.image().fileBytes();
        KallsymsTables t = new KallsymsLocator(image).locate();
        if (t == null) {
            throw new LinuxImageException(name, "no symbols: no .symtab, no System.map beside it, and no kallsyms "
                    + "tables in the image (a kernel built without CONFIG_KALLSYMS?); pass --system-map");
        }
        return SymbolSizes.fill(decode(image, t));
    }

    /** Every symbol of the tables, in table (address) order. */
    static List<Symbol> decode(byte[] image, KallsymsTables t) {
        ByteBuffer le = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        String[] tokens = new String[256];
        for (int i = 0; i < 256; i++) {
            int at = t.tokenTable() + (le.getShort(t.tokenIndex() + 2 * i) & 0xffff), end = at;
            while (image[end] != 0) {
                end++;
            }
            tokens[i] = new String(image, at, end - at, StandardCharsets.ISO_8859_1);
        }
        boolean absolutePercpu = false;
        for (int i = 0; i < t.numSyms() && !absolutePercpu; i++) {
            absolutePercpu = le.getInt(t.offsets() + 4 * i) < 0;
        }
        List<Symbol> out = new ArrayList<>(t.numSyms());
        int off = t.names();
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < t.numSyms(); i++) {
            int len = image[off++] & 0xff;
            if ((len & 0x80) != 0) {
                len = (len & 0x7f) | (image[off++] & 0xff) << 7;
            }
            sb.setLength(0);
            for (int k = 0; k < len; k++) {
                sb.append(tokens[image[off + k] & 0xff]);
            }
            off += len;
            long address = address(le.getInt(t.offsets() + 4 * i), t.relativeBase(), absolutePercpu);
            out.add(new Symbol(sb.substring(1), address, 0, sb.charAt(0)));
        }
        return out;
    }

    /**
     * {@code kallsyms_sym_address}: an unsigned offset from the base; with
     * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP) non-negative values are absolute (per-CPU
     * offsets) and negative ones count down from base - 1. No offset of a plain table can be
     * negative (the image would span 2 GiB), so a negative one marks the second encoding.
     */
    static long address(int offset, long base, boolean absolutePercpu) {
        if (!absolutePercpu) {
            return base + Integer.toUnsignedLong(offset);
        }
        return offset >= 0 ? offset : base - 1 - offset;
    }
}
