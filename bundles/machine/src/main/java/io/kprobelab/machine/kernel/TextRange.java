package io.kprobelab.machine.kernel;

/**
 * A range of kernel text, {@code [start, end)}, with what puts it there: a function's name, a
 * section ({@code .kprobes.text}) or a kind of reserved site ({@code jump_label}).
 */
public record TextRange(long start, long end, String name) {

    public TextRange {
        if (Long.compareUnsigned(end, start) < 0) {
            throw new IllegalArgumentException(String.format("empty range 0x%x-0x%x", start, end));
        }
    }

    /** Whether {@code address} is inside. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - start, end - start) < 0;
    }
}
