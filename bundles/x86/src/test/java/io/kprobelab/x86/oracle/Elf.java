package io.kprobelab.x86.oracle;

import io.kprobelab.x86.Symbolizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal ELF64 little-endian reader for the corpus test: sections and the symbol table. */
public final class Elf {

    /** One section. */
    public static final class Section {
        public final String name;
        public final int index;
        public final int type;
        public final long flags;
        public final byte[] data;

        Section(String name, int index, int type, long flags, byte[] data) {
            this.name = name;
            this.index = index;
            this.type = type;
            this.flags = flags;
            this.data = data;
        }

        public boolean executable() {
            return (flags & 4) != 0 && type == 1;
        }
    }

    /** One symbol. */
    public static final class Sym {
        public final String name;
        public final long value;
        public final int shndx;
        public final int type;

        Sym(String name, long value, int shndx, int type) {
            this.name = name;
            this.value = value;
            this.shndx = shndx;
            this.type = type;
        }
    }

    public final Map<String, Section> sections = new LinkedHashMap<>();
    public final List<Sym> symbols = new ArrayList<>();

    public Elf(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        int shstrndx = b.getShort(0x3e) & 0xffff;
        long[] off = new long[shnum];
        long[] size = new long[shnum];
        int[] nameIdx = new int[shnum];
        int[] type = new int[shnum];
        long[] flags = new long[shnum];
        int[] link = new int[shnum];
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            nameIdx[i] = b.getInt(h);
            type[i] = b.getInt(h + 4);
            flags[i] = b.getLong(h + 8);
            off[i] = b.getLong(h + 0x18);
            size[i] = b.getLong(h + 0x20);
            link[i] = b.getInt(h + 0x28);
        }
        int strOff = (int) off[shstrndx];
        String[] names = new String[shnum];
        for (int i = 0; i < shnum; i++) {
            names[i] = cstr(f, strOff + nameIdx[i]);
            byte[] data = type[i] == 8 ? new byte[(int) size[i]]
                    : java.util.Arrays.copyOfRange(f, (int) off[i], (int) (off[i] + size[i]));
            sections.put(names[i], new Section(names[i], i, type[i], flags[i], data));
        }
        for (int i = 0; i < shnum; i++) {
            if (type[i] != 2) continue; // SHT_SYMTAB
            int str = (int) off[link[i]];
            for (long p = off[i]; p + 24 <= off[i] + size[i]; p += 24) {
                int nm = b.getInt((int) p);
                int info = b.get((int) p + 4) & 0xff;
                int shndx = b.getShort((int) p + 6) & 0xffff;
                long value = b.getLong((int) p + 8);
                String n = nm == 0 ? "" : cstr(f, str + nm);
                int t = info & 0xf;
                if (t == 3 && n.isEmpty()) n = shndx < shnum ? names[shndx] : "";
                symbols.add(new Sym(n, value, shndx, t));
            }
        }
    }

    private static String cstr(byte[] f, int at) {
        int e = at;
        while (f[e] != 0) e++;
        return new String(f, at, e - at, StandardCharsets.ISO_8859_1);
    }

    /**
     * objdump's {@code <sym+0xoff>} for addresses in one section of a relocatable object: the
     * nearest symbol at or below the address (function/object/label symbols before the section
     * symbol).
     */
    public Symbolizer symbolizer(Section s) {
        List<Sym> own = new ArrayList<>();
        Sym sectionSym = null;
        for (Sym y : symbols) {
            if (y.shndx != s.index || y.name.isEmpty()) continue;
            if (y.type == 3) sectionSym = y;
            else if (y.type != 4) own.add(y); // not FILE
        }
        Sym secSym = sectionSym;
        return addr -> {
            Sym best = null;
            for (Sym y : own) {
                if (y.value <= addr && (best == null || y.value > best.value)) best = y;
            }
            if (best == null) best = secSym;
            if (best == null) return null;
            long d = addr - best.value;
            return d == 0 ? best.name : best.name + "+0x" + Long.toHexString(d);
        };
    }
}
