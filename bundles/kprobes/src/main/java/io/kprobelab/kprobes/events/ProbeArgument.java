package io.kprobelab.kprobes.events;

import java.util.Objects;

/**
 * One fetch argument of a probe event.
 *
 * @param name        its field name ({@code arg1}, {@code arg2}... when the definition gave none)
 * @param expression  the fetch expression as written after {@code NAME=}, type suffix included
 *                    (what the kernel keeps as the argument's {@code comm} and reads back)
 * @param type        the fetch type it stores: {@code u8}..{@code u64}, {@code s8}..{@code s64},
 *                    {@code x8}..{@code x64}, {@code char}, {@code string}, {@code ustring},
 *                    {@code symbol} or {@code symstr}; a bitfield stores its container type
 *                    ({@code b4@4/32} is {@code u32}) and an untyped argument {@code x64}
 * @param arrayLength the element count of an array type, 0 for a scalar
 */
public record ProbeArgument(String name, String expression, String type, int arrayLength) {

    public ProbeArgument {
        Objects.requireNonNull(name);
        Objects.requireNonNull(expression);
        Objects.requireNonNull(type);
    }

    /** True when {@code other} has the same name, stored type and array length (appending needs it). */
    public boolean sameShape(ProbeArgument other) {
        return name.equals(other.name) && type.equals(other.type) && arrayLength == other.arrayLength;
    }

    /** {@code name=expression}, as {@code kprobe_events} reads it back. */
    @Override
    public String toString() {
        return name + "=" + expression;
    }
}
