package io.kprobelab.machine.internal.elf;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.util.List;
import java.util.Map;

/** A validated static ELF64 x86-64 executable, as {@link ElfReader} produced it. */
final class ElfExecutable implements ElfImage {

    private final String name;
    private final long entry;
    private final List<Segment> segments;
    private final byte[] bytes;
    private final List<Symbol> symbols;
    private final Map<String, long[]> sections;

    ElfExecutable(String name, long entry, List<Segment> segments, byte[] bytes, List<Symbol> symbols,
                  Map<String, long[]> sections) {
        this.name = name;
        this.entry = entry;
        this.segments = List.copyOf(segments);
        this.bytes = bytes;
        this.symbols = List.copyOf(symbols);
        this.sections = Map.copyOf(sections);
    }

    @Override
    public String name() { return name; }

    @Override
    public long entry() { return entry; }

    @Override
    public List<Segment> segments() { return segments; }

    /** The file's bytes, shared (not copied) for speed: callers must not modify them. */
    @Override
    public byte[] fileBytes() { return bytes; }

    @Override
    public List<Symbol> symbols() { return symbols; }

    @Override
    public long[] section(String sectionName) {
        long[] r = sections.get(sectionName);
        return r == null ? null : r.clone();
    }

    @Override
    public String toString() {
        return String.format("%s: entry 0x%x, %d segments, %d symbols", name, entry, segments.size(), symbols.size());
    }
}
