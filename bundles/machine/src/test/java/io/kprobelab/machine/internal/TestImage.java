package io.kprobelab.machine.internal;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made image for unit tests: text (R-X) at {@link #TEXT}, read-only data (R--) at
 * {@link #RODATA} and data (RW-) at {@link #DATA}, each one page, with symbols for the text.
 */
final class TestImage implements ElfImage {

    static final long TEXT = 0xffffffff81000000L, RODATA = TEXT + 0x1000, DATA = TEXT + 0x2000;

    private final byte[] file = new byte[0x3000];
    private final List<Symbol> symbols = new ArrayList<>();
    private int textEnd;

    /** Appends a function to the text page; returns its address. */
    long function(String name, int... bytes) {
        long addr = TEXT + textEnd;
        for (int b : bytes) {
            file[textEnd++] = (byte) b;
        }
        symbols.add(new Symbol(name, addr, bytes.length, 'T'));
        textEnd = (textEnd + 15) & ~15;
        return addr;
    }

    void rodata(int off, long v) {
        for (int i = 0; i < 8; i++) {
            file[0x1000 + off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Override
    public String name() {
        return "test-image";
    }

    @Override
    public long entry() {
        return TEXT;
    }

    @Override
    public List<Segment> segments() {
        return List.of(new Segment(TEXT, 0x1000, 0, 0x1000, true, false, true),
                new Segment(RODATA, 0x1000, 0x1000, 0x1000, true, false, false),
                new Segment(DATA, 0x1000, 0x2000, 0x1000, true, true, false));
    }

    @Override
    public byte[] fileBytes() {
        return file;
    }

    @Override
    public List<Symbol> symbols() {
        return symbols;
    }

    @Override
    public long[] section(String name) {
        return null;
    }
}
