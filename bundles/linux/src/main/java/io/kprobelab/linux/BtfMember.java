package io.kprobelab.linux;

/**
 * A member of a BTF struct or union, at its place in the outermost struct asked about.
 *
 * @param name      the member's name (the last part of the path asked for)
 * @param bitOffset bits from the start of the outermost struct
 * @param bitSize   the bitfield's width, or 0 for an ordinary member
 * @param size      the size of the member's type in bytes
 * @param typeId    the member's BTF type id
 */
public record BtfMember(String name, long bitOffset, int bitSize, long size, int typeId) {

    /** Bytes from the start of the outermost struct (the byte holding the first bit, for a bitfield). */
    public long offset() {
        return bitOffset / 8;
    }

    /** Whether it is a bitfield. */
    public boolean isBitfield() {
        return bitSize != 0;
    }
}
