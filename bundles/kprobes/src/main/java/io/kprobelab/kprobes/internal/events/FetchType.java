package io.kprobelab.kprobes.internal.events;

/**
 * The types a fetch argument can store ({@code probe_fetch_types} of {@code trace_probe.c}), with
 * the byte size of the stored value and how the trace output prints it.
 */
enum FetchType {
    STRING("string", 4, Print.STRING),
    USTRING("ustring", 4, Print.STRING),
    SYMSTR("symstr", 4, Print.STRING),
    U8("u8", 1, Print.UNSIGNED),
    U16("u16", 2, Print.UNSIGNED),
    U32("u32", 4, Print.UNSIGNED),
    U64("u64", 8, Print.UNSIGNED),
    S8("s8", 1, Print.SIGNED),
    S16("s16", 2, Print.SIGNED),
    S32("s32", 4, Print.SIGNED),
    S64("s64", 8, Print.SIGNED),
    X8("x8", 1, Print.HEX),
    X16("x16", 2, Print.HEX),
    X32("x32", 4, Print.HEX),
    X64("x64", 8, Print.HEX),
    CHAR("char", 1, Print.CHAR),
    SYMBOL("symbol", 8, Print.SYMBOL);

    /** How a stored value is printed in a trace line. */
    enum Print { UNSIGNED, SIGNED, HEX, CHAR, SYMBOL, STRING }

    /** The type of an argument written without {@code :TYPE} (unsigned long, shown in hex). */
    static final FetchType DEFAULT = X64;

    final String typeName;
    final int size;
    final Print print;

    FetchType(String typeName, int size, Print print) {
        this.typeName = typeName;
        this.size = size;
        this.print = print;
    }

    boolean isString() {
        return print == Print.STRING;
    }

    /**
     * {@code find_fetch_type}: a type name, or {@code b<w>@<o>/<c>} which stores as {@code u<c>};
     * null when the kernel does not know it. {@code null} input means the default type.
     */
    static FetchType find(String name) {
        if (name == null) {
            return DEFAULT;
        }
        if (name.startsWith("b")) {
            int slash = name.indexOf('/');
            if (slash < 0) {
                return null;
            }
            Long bits = KernelStrings.kstrtoul(name.substring(slash + 1), 0);
            if (bits == null) {
                return null;
            }
            switch (bits.intValue() == bits ? bits.intValue() : -1) {
                case 8: return U8;
                case 16: return U16;
                case 32: return U32;
                case 64: return U64;
                default: return null;
            }
        }
        for (FetchType t : values()) {
            if (t.typeName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Appends a stored (zero-extended) scalar value the way the kernel's print function does. */
    void appendScalar(StringBuilder out, long raw) {
        switch (print) {
            case UNSIGNED:
                appendUnsigned(out, raw);
                break;
            case SIGNED:
                out.append(signExtend(raw));
                break;
            case HEX:
                appendHex(out.append("0x"), raw);
                break;
            case CHAR:
                out.append('\'').append((char) (raw & 0xff)).append('\'');
                break;
            default:
                throw new IllegalStateException(name() + " is not a scalar printed here");
        }
    }

    /** {@code %llu} without a temporary string (this runs at every probe hit). */
    static StringBuilder appendUnsigned(StringBuilder out, long v) {
        if (v >= 0) {
            return out.append(v);
        }
        long q = (v >>> 1) / 5; // v / 10 unsigned, without Long.divideUnsigned's BigInteger path
        return out.append(q).append((char) ('0' + (v - q * 10)));
    }

    /** {@code %llx} (lower case, no padding) without a temporary string. */
    static StringBuilder appendHex(StringBuilder out, long v) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            out.append(HEX_DIGITS[(int) (v >>> (4 * i)) & 0xf]);
        }
        return out;
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** The value as the signed C type of this size. */
    long signExtend(long raw) {
        int shift = 64 - size * 8;
        return (raw << shift) >> shift;
    }

    /** Truncates {@code value} to this type's size, as storing it in the entry does. */
    long truncate(long value) {
        return size == 8 ? value : value & ((1L << (size * 8)) - 1);
    }
}
