package io.kprobelab.machine.internal.elf;

import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates a static, freestanding x86-64 ELF64 executable for bare mode (System V
 * gABI and the x86-64 psABI). Every field is checked before it is used: anything malformed or
 * unsupported becomes an {@link ElfException} that names the file and the problem, never a
 * runtime exception.
 *
 * <p>Accepted: ET_EXEC, and ET_DYN (static-pie) only when it has no dynamic relocations, since
 * bare mode maps segments at their link addresses and applies no relocations.
 */
public final class ElfReader {

    private static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24, DYN_SIZE = 16;
    private static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4, EM_X86_64 = 62;
    private static final int PN_XNUM = 0xffff;
    private static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2,
            SHN_XINDEX = 0xffff;
    private static final int STT_SECTION = 3, STT_FILE = 4, STT_TLS = 6;
    private static final int STB_LOCAL = 0;
    private static final long DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_STRTAB = 5, DT_RELA = 7,
            DT_RELASZ = 8, DT_STRSZ = 10, DT_REL = 17, DT_RELSZ = 18, DT_TEXTREL = 22, DT_JMPREL = 23,
            DT_RELRSZ = 35, DT_RELR = 36;

    private final String name;
    private final byte[] b;

    private ElfReader(String name, byte[] bytes) {
        this.name = name;
        this.b = bytes;
    }

    /** Reads and validates {@code file}. */
    public static ElfImage read(Path file) throws ElfException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ElfException(file.toString(), "no such file");
        } catch (IOException | OutOfMemoryError e) {
            throw new ElfException(file.toString(), "cannot read: " + e);
        }
        return new ElfReader(file.toString(), bytes).parse();
    }

    /** Validates ELF bytes; {@code name} is used in error messages. The bytes are copied. */
    public static ElfImage parse(String name, byte[] bytes) throws ElfException {
        if (bytes == null) {
            throw new ElfException(name, "no bytes");
        }
        return new ElfReader(name, bytes.clone()).parse();
    }

    private ElfException fail(String problem) {
        return new ElfException(name, problem);
    }

    private ElfException fail(String format, Object... args) {
        return new ElfException(name, String.format(format, args));
    }

    private ElfImage parse() throws ElfException {
        checkIdent();
        if (b.length < EHDR_SIZE) {
            throw fail("truncated ELF header: file has %d bytes, the ELF64 header needs %d", b.length, EHDR_SIZE);
        }
        int type = u16(16);
        int machine = u16(18);
        long version = u32(20);
        long entry = u64(24);
        long phoff = u64(32);
        long shoff = u64(40);
        int phentsize = u16(54);
        int phnum = u16(56);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);

        switch (type) {
            case ET_EXEC, ET_DYN -> { }
            case ET_REL -> throw fail("not an executable: e_type 1 (ET_REL, a relocatable object file; link it first)");
            case ET_CORE -> throw fail("not an executable: e_type 4 (ET_CORE, a core dump)");
            case 0 -> throw fail("not an executable: e_type 0 (ET_NONE)");
            default -> throw fail("not an executable: unknown e_type %d", type);
        }
        if (machine != EM_X86_64) {
            throw fail("e_machine %d (%s), expected %d (x86-64)", machine, machineName(machine), EM_X86_64);
        }
        if (version != 1) {
            throw fail("unsupported e_version %d, expected 1 (EV_CURRENT)", version);
        }

        // What loading needs comes first; only with PN_XNUM program headers does the real count
        // live in section header 0, so the section headers must be read before them.
        SectionHeader[] sections = null;
        if (phnum == PN_XNUM) {
            sections = readSections(shoff, shentsize, shnum, shstrndx);
            if (sections.length > 0) {
                phnum = sections[0].info();
            }
        }
        List<ProgramHeader> phdrs = readProgramHeaders(phoff, phentsize, phnum);
        List<ProgramHeader> loads = checkLoads(phdrs);
        checkStatic(type, phdrs, loads);
        checkEntry(entry, loads);
        if (sections == null) {
            sections = readSections(shoff, shentsize, shnum, shstrndx);
        }

        List<ElfImage.Segment> segments = new ArrayList<>(loads.size());
        for (ProgramHeader p : loads) {
            segments.add(new ElfImage.Segment(p.vaddr(), p.memsz(), p.offset(), p.filesz(),
                    p.readable(), p.writable(), p.executable()));
        }
        Map<String, long[]> sectionRanges = new LinkedHashMap<>();
        for (SectionHeader s : sections) {
            if (!s.name().isEmpty()) {
                sectionRanges.putIfAbsent(s.name(), new long[] {s.addr(), s.addr() + s.size()});
            }
        }
        List<Symbol> symbols = readSymbols(sections);
        return new ElfExecutable(name, entry, segments, b, symbols, sectionRanges);
    }

    private void checkIdent() throws ElfException {
        if (b.length < 4 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
            if (b.length == 0) {
                throw fail("not an ELF file (empty)");
            }
            StringBuilder magic = new StringBuilder();
            for (int i = 0; i < Math.min(4, b.length); i++) {
                magic.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
            }
            if (b.length < 4 && isPrefixOfMagic()) {
                throw fail("file too short (%d bytes): truncated ELF magic %s", b.length, magic);
            }
            throw fail("not an ELF file (bad magic %s, expected 7f 45 4c 46)", magic);
        }
        if (b.length < 16) {
            throw fail("file too short (%d bytes): truncated ELF identification, which needs 16", b.length);
        }
        switch (b[4]) {
            case 2 -> { }
            case 1 -> throw fail("not ELF64: EI_CLASS 1 (ELFCLASS32, a 32-bit file); expected 2 (ELFCLASS64)");
            default -> throw fail("not ELF64: invalid EI_CLASS %d; expected 2 (ELFCLASS64)", b[4] & 0xff);
        }
        switch (b[5]) {
            case 1 -> { }
            case 2 -> throw fail("not little-endian: EI_DATA 2 (ELFDATA2MSB, big-endian); expected 1 (ELFDATA2LSB)");
            default -> throw fail("invalid EI_DATA %d; expected 1 (ELFDATA2LSB, little-endian)", b[5] & 0xff);
        }
        if (b[6] != 1) {
            throw fail("unsupported EI_VERSION %d, expected 1 (EV_CURRENT)", b[6] & 0xff);
        }
    }

    private boolean isPrefixOfMagic() {
        byte[] magic = {0x7f, 'E', 'L', 'F'};
        for (int i = 0; i < b.length; i++) {
            if (b[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- program headers ----

    private List<ProgramHeader> readProgramHeaders(long phoff, int phentsize, int phnum) throws ElfException {
        if (phnum == 0) {
            throw fail("no program headers (e_phnum 0), so nothing to load: no PT_LOAD segment");
        }
        if (phentsize != PHDR_SIZE) {
            throw fail("e_phentsize %d, expected %d for ELF64 program headers", phentsize, PHDR_SIZE);
        }
        checkRange(phoff, (long) phnum * PHDR_SIZE,
                String.format("program header table (%d entries at offset 0x%x)", phnum, phoff));
        List<ProgramHeader> list = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int o = (int) phoff + i * PHDR_SIZE;
            list.add(new ProgramHeader(i, (int) u32(o), (int) u32(o + 4), u64(o + 8), u64(o + 16),
                    u64(o + 32), u64(o + 40)));
        }
        return list;
    }

    private List<ProgramHeader> checkLoads(List<ProgramHeader> phdrs) throws ElfException {
        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader p : phdrs) {
            if (p.type() != ProgramHeader.PT_LOAD) {
                continue;
            }
            String what = "PT_LOAD #" + p.index();
            if (Long.compareUnsigned(p.filesz(), p.memsz()) > 0) {
                throw fail("%s: p_filesz 0x%x is larger than p_memsz 0x%x", what, p.filesz(), p.memsz());
            }
            checkRange(p.offset(), p.filesz(), String.format("%s contents (0x%x bytes at offset 0x%x)",
                    what, p.filesz(), p.offset()));
            if (p.memsz() == 0) {
                continue; // occupies no memory: nothing to map
            }
            long last = p.lastByte();
            if (!canonical(p.vaddr()) || !canonical(last) || Long.compareUnsigned(last, p.vaddr()) < 0
                    || (p.vaddr() < 0) != (last < 0)) {
                throw fail("%s: addresses 0x%x-0x%x are not canonical 48-bit virtual addresses",
                        what, p.vaddr(), p.vaddr() + p.memsz());
            }
            loads.add(p);
        }
        if (loads.isEmpty()) {
            throw fail("no PT_LOAD segment with contents among %d program headers: nothing to load", phdrs.size());
        }
        List<ProgramHeader> byAddress = new ArrayList<>(loads);
        byAddress.sort(Comparator.comparing(ProgramHeader::vaddr, Long::compareUnsigned));
        for (int i = 1; i < byAddress.size(); i++) {
            ProgramHeader prev = byAddress.get(i - 1), next = byAddress.get(i);
            if (Long.compareUnsigned(prev.lastByte(), next.vaddr()) >= 0) {
                throw fail("overlapping segments: %s and %s", prev.describe(), next.describe());
            }
        }
        return loads;
    }

    /** A static image: no interpreter, no needed libraries, no dynamic relocations to apply. */
    private void checkStatic(int type, List<ProgramHeader> phdrs, List<ProgramHeader> loads) throws ElfException {
        for (ProgramHeader p : phdrs) {
            if (p.type() == ProgramHeader.PT_INTERP) {
                checkRange(p.offset(), p.filesz(), "PT_INTERP contents");
                String interp = cString(p.offset(), p.offset() + p.filesz());
                throw fail("dynamically linked: PT_INTERP requests %s; bare mode needs a static executable "
                        + "(link with -static -nostdlib)", interp.isEmpty() ? "an interpreter" : interp);
            }
        }
        for (ProgramHeader p : phdrs) {
            if (p.type() == ProgramHeader.PT_DYNAMIC) {
                checkDynamic(type, p, loads);
            }
        }
    }

    private void checkDynamic(int type, ProgramHeader dyn, List<ProgramHeader> loads) throws ElfException {
        checkRange(dyn.offset(), dyn.filesz(), "PT_DYNAMIC contents");
        List<Long> needed = new ArrayList<>();
        long strtab = -1, strsz = -1;
        Map<String, Long> relocs = new LinkedHashMap<>();
        long end = dyn.offset() + dyn.filesz();
        boolean textrel = false;
        for (long o = dyn.offset(); o + DYN_SIZE <= end; o += DYN_SIZE) {
            long tag = u64((int) o), val = u64((int) o + 8);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                needed.add(val);
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_RELASZ && val != 0) {
                relocs.put("DT_RELA", val);
            } else if (tag == DT_RELSZ && val != 0) {
                relocs.put("DT_REL", val);
            } else if (tag == DT_PLTRELSZ && val != 0) {
                relocs.put("DT_JMPREL", val);
            } else if (tag == DT_RELRSZ && val != 0) {
                relocs.put("DT_RELR", val);
            } else if (tag == DT_TEXTREL) {
                textrel = true;
            }
        }
        if (!needed.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (long off : needed) {
                names.add(dynamicString(strtab, strsz, off, loads));
            }
            throw fail("dynamically linked: PT_DYNAMIC needs %s; bare mode needs a static executable "
                    + "(link with -static -nostdlib)", String.join(", ", names));
        }
        if (!relocs.isEmpty() || textrel) {
            StringBuilder what = new StringBuilder();
            relocs.forEach((k, v) -> what.append(what.length() == 0 ? "" : ", ").append(k).append(' ')
                    .append(Long.toUnsignedString(v)).append(" bytes"));
            if (textrel) {
                what.append(what.length() == 0 ? "" : ", ").append("DT_TEXTREL");
            }
            throw fail("%s has dynamic relocations (%s) that bare mode does not apply; link with -no-pie",
                    type == ET_DYN ? "position-independent executable" : "executable", what);
        }
    }

    private String dynamicString(long strtab, long strsz, long off, List<ProgramHeader> loads) {
        if (strtab == -1) {
            return "a shared library";
        }
        for (ProgramHeader p : loads) {
            if (p.containsVirtual(strtab) && Long.compareUnsigned(strtab - p.vaddr(), p.filesz()) < 0) {
                long fileStart = p.offset() + (strtab - p.vaddr());
                long fileEnd = p.offset() + p.filesz();
                if (strsz >= 0 && Long.compareUnsigned(strsz, fileEnd - fileStart) < 0) {
                    fileEnd = fileStart + strsz;
                }
                if (Long.compareUnsigned(off, fileEnd - fileStart) < 0) {
                    String s = cString(fileStart + off, fileEnd);
                    return s.isEmpty() ? "a shared library" : s;
                }
            }
        }
        return "a shared library";
    }

    private void checkEntry(long entry, List<ProgramHeader> loads) throws ElfException {
        for (ProgramHeader p : loads) {
            if (p.executable() && p.containsVirtual(entry)) {
                return;
            }
        }
        for (ProgramHeader p : loads) {
            if (p.containsVirtual(entry)) {
                throw fail("entry point 0x%x lies in %s, which is not executable (flags %s)",
                        entry, p.describe(), flagString(p.flags()));
            }
        }
        throw fail("entry point 0x%x is not inside any executable PT_LOAD segment", entry);
    }

    private static String flagString(int flags) {
        return ((flags & ProgramHeader.PF_R) != 0 ? "R" : "-") + ((flags & ProgramHeader.PF_W) != 0 ? "W" : "-")
                + ((flags & ProgramHeader.PF_X) != 0 ? "X" : "-");
    }

    /** 48-bit canonical: bits 63..47 all equal (SDM Vol. 1 §3.3.7.1). */
    private static boolean canonical(long address) {
        return (address >> 47) == 0 || (address >> 47) == -1;
    }

    // ---- section headers ----

    private SectionHeader[] readSections(long shoff, int shentsize, int shnum, int shstrndx) throws ElfException {
        if (shoff == 0) {
            return new SectionHeader[0]; // no section header table: fine for loading, no symbols
        }
        if (shentsize != SHDR_SIZE) {
            throw fail("e_shentsize %d, expected %d for ELF64 section headers", shentsize, SHDR_SIZE);
        }
        checkRange(shoff, SHDR_SIZE, String.format("section header table at offset 0x%x", shoff));
        int o0 = (int) shoff;
        if (shnum == 0) {
            long real = u64(o0 + 32); // SHN_LORESERVE or more sections: sh_size of section 0 holds the count
            if (Long.compareUnsigned(real, (b.length - shoff) / SHDR_SIZE) > 0) {
                throw fail("section header table (%s entries at offset 0x%x) extends beyond the end of the file (%d bytes)",
                        Long.toUnsignedString(real), shoff, b.length);
            }
            shnum = (int) real;
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = (int) u32(o0 + 40);
        }
        checkRange(shoff, (long) shnum * SHDR_SIZE,
                String.format("section header table (%d entries at offset 0x%x)", shnum, shoff));
        int[] nameOff = new int[shnum];
        SectionHeader[] raw = new SectionHeader[shnum];
        for (int i = 0; i < shnum; i++) {
            int o = o0 + i * SHDR_SIZE;
            nameOff[i] = (int) u32(o);
            raw[i] = new SectionHeader(i, "", (int) u32(o + 4), u64(o + 8), u64(o + 16), u64(o + 24),
                    u64(o + 32), (int) u32(o + 40), (int) u32(o + 44), u64(o + 56));
        }
        if (shnum == 0 || shstrndx == SHN_UNDEF) {
            return raw;
        }
        if (shstrndx >= shnum) {
            throw fail("e_shstrndx %d is not a section (there are %d)", shstrndx, shnum);
        }
        SectionHeader names = raw[shstrndx];
        checkContents(names, "section name string table");
        SectionHeader[] named = new SectionHeader[shnum];
        for (int i = 0; i < shnum; i++) {
            SectionHeader s = raw[i];
            String n = i == 0 ? "" : stringAt(names, Integer.toUnsignedLong(nameOff[i]), "name of section " + i);
            named[i] = new SectionHeader(i, n, s.type(), s.flags(), s.addr(), s.offset(), s.size(), s.link(),
                    s.info(), s.entsize());
        }
        return named;
    }

    /** The section's bytes must lie within the file (unless it is NOBITS). */
    private void checkContents(SectionHeader s, String role) throws ElfException {
        if (s.type() == SectionHeader.SHT_NOBITS) {
            throw fail("%s %s is SHT_NOBITS and has no contents", role, s.describe());
        }
        checkRange(s.offset(), s.size(), String.format("%s %s (0x%x bytes at offset 0x%x)",
                role, s.describe(), s.size(), s.offset()));
    }

    private String stringAt(SectionHeader table, long offset, String what) throws ElfException {
        if (Long.compareUnsigned(offset, table.size()) >= 0) {
            throw fail("%s: offset 0x%x is beyond %s (0x%x bytes)", what, offset, table.describe(), table.size());
        }
        long start = table.offset() + offset, end = table.offset() + table.size();
        for (long i = start; i < end; i++) {
            if (b[(int) i] == 0) {
                return new String(b, (int) start, (int) (i - start), StandardCharsets.UTF_8);
            }
        }
        throw fail("%s: string at offset 0x%x of %s is not NUL-terminated", what, offset, table.describe());
    }

    // ---- symbols ----

    private List<Symbol> readSymbols(SectionHeader[] sections) throws ElfException {
        List<Symbol> out = new ArrayList<>();
        for (SectionHeader symtab : sections) {
            if (symtab.type() == SectionHeader.SHT_SYMTAB) {
                readSymtab(symtab, sections, out);
            }
        }
        return out;
    }

    private void readSymtab(SectionHeader symtab, SectionHeader[] sections, List<Symbol> out) throws ElfException {
        if (symtab.entsize() != SYM_SIZE) {
            throw fail("%s: sh_entsize %d, expected %d for ELF64 symbols", symtab.describe(), symtab.entsize(), SYM_SIZE);
        }
        checkContents(symtab, "symbol table");
        if (symtab.link() < 0 || symtab.link() >= sections.length || symtab.link() == 0) {
            throw fail("%s: sh_link %d does not name its string table (there are %d sections)",
                    symtab.describe(), Integer.toUnsignedLong(symtab.link()), sections.length);
        }
        SectionHeader strtab = sections[symtab.link()];
        if (strtab.type() != SectionHeader.SHT_STRTAB) {
            throw fail("%s: sh_link %d names %s, which is not a string table", symtab.describe(),
                    symtab.link(), strtab.describe());
        }
        checkContents(strtab, "string table");
        SectionHeader xindex = null;
        for (SectionHeader s : sections) {
            if (s.type() == SectionHeader.SHT_SYMTAB_SHNDX && s.link() == symtab.index()) {
                checkContents(s, "extended section index table");
                xindex = s;
            }
        }
        long count = Long.divideUnsigned(symtab.size(), SYM_SIZE);
        for (int i = 1; i < count; i++) { // symbol 0 is the reserved undefined symbol
            int o = (int) (symtab.offset() + (long) i * SYM_SIZE);
            long nameOff = u32(o);
            int info = b[o + 4] & 0xff;
            int shndx = u16(o + 6);
            long value = u64(o + 8), size = u64(o + 16);
            int stType = info & 0xf, bind = info >>> 4;
            if (stType == STT_SECTION || stType == STT_FILE || stType == STT_TLS || nameOff == 0) {
                continue;
            }
            String symName = stringAt(strtab, nameOff, "name of symbol " + i + " in " + symtab.describe());
            if (symName.isEmpty()) {
                continue;
            }
            if (shndx == SHN_XINDEX) {
                if (xindex == null) {
                    throw fail("symbol %s uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section", symName);
                }
                long xo = (long) i * 4;
                if (xo + 4 > xindex.size()) {
                    throw fail("symbol %s: %s is too short for symbol %d", symName, xindex.describe(), i);
                }
                shndx = (int) Math.min(u32((int) (xindex.offset() + xo)), Integer.MAX_VALUE);
            } else if (shndx == SHN_UNDEF || shndx == SHN_COMMON || shndx >= SHN_LORESERVE && shndx != SHN_ABS) {
                continue; // undefined, or a reserved index with no address in the image
            }
            char letter;
            if (shndx == SHN_ABS) {
                letter = 'a';
            } else {
                if (shndx >= sections.length) {
                    throw fail("symbol %s refers to section %d, but there are only %d sections",
                            symName, shndx, sections.length);
                }
                SectionHeader s = sections[shndx];
                if (!s.alloc() || (s.flags() & SectionHeader.SHF_TLS) != 0) {
                    continue; // not part of the memory image (debug info, TLS templates)
                }
                letter = typeLetter(s);
            }
            if (bind != STB_LOCAL) {
                letter = Character.toUpperCase(letter); // global, weak and unique symbols
            }
            out.add(new Symbol(symName, value, size, letter));
        }
    }

    /** The kallsyms/nm type letter of a symbol defined in {@code s}, lower case. */
    private static char typeLetter(SectionHeader s) {
        if (s.executable()) {
            return 't';
        }
        if (s.type() == SectionHeader.SHT_NOBITS) {
            return 'b';
        }
        return s.writable() ? 'd' : 'r';
    }

    // ---- bounds-checked access ----

    /** [offset, offset + length) must lie within the file (both unsigned, no overflow). */
    private void checkRange(long offset, long length, String what) throws ElfException {
        if (Long.compareUnsigned(offset, b.length) > 0 || Long.compareUnsigned(length, b.length - offset) > 0) {
            throw fail("%s extends beyond the end of the file (%d bytes)", what, b.length);
        }
    }

    private String cString(long from, long to) {
        int end = (int) from;
        while (end < to && b[end] != 0) {
            end++;
        }
        return new String(b, (int) from, end - (int) from, StandardCharsets.UTF_8);
    }

    private int u16(int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
    }

    private long u32(int o) {
        return (u16(o) | (long) u16(o + 2) << 16) & 0xffffffffL;
    }

    private long u64(int o) {
        return u32(o) | u32(o + 4) << 32;
    }

    private static String machineName(int m) {
        return switch (m) {
            case 0 -> "EM_NONE";
            case 2 -> "SPARC";
            case 3 -> "i386";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 22 -> "S/390";
            case 40 -> "ARM";
            case 43 -> "SPARC V9";
            case 50 -> "IA-64";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            case 247 -> "BPF";
            case 258 -> "LoongArch";
            default -> "unknown machine";
        };
    }
}
