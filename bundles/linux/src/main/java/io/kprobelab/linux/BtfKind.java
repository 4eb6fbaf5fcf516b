package io.kprobelab.linux;

/** The kinds of BTF type, with their numbers in {@code btf_type.info} (include/uapi/linux/btf.h, up to 6.1). */
public enum BtfKind {
    VOID, INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR,
    DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64;

    /** The kind numbered {@code n}, or null if this reader does not know it. */
    public static BtfKind of(int n) {
        return n > 0 && n < values().length ? values()[n] : null;
    }

    /** A qualifier or alias whose size and layout are those of the type it refers to. */
    public boolean isAlias() {
        return this == TYPEDEF || this == VOLATILE || this == CONST || this == RESTRICT || this == TYPE_TAG;
    }
}
