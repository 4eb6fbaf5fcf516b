package io.kprobelab.linux.internal.image;

/**
 * The compressions a 6.1 kernel payload can use, known by their first bytes as the kernel's own
 * {@code decompress_method} knows them (lib/decompress.c; the LZ4 row is the legacy frame's magic
 * 0x184c2102, the zstd row the frame magic 0xfd2fb528).
 */
public enum Compression {
    GZIP("gzip", 0x1f, 0x8b),
    GZIP_OLD("gzip", 0x1f, 0x9e),
    BZIP2("bzip2", 'B', 'Z', 'h'),
    LZMA("lzma", 0x5d, 0x00, 0x00),
    XZ("xz", 0xfd, '7', 'z', 'X', 'Z', 0x00),
    LZO("lzo", 0x89, 'L', 'Z', 'O'),
    LZ4("lz4", 0x02, 0x21, 0x4c, 0x18),
    ZSTD("zstd", 0x28, 0xb5, 0x2f, 0xfd);

    private final String label;
    private final int[] magic;

    Compression(String label, int... magic) {
        this.label = label;
        this.magic = magic;
    }

    /** The name the kernel's Kconfig and decompressor use ({@code xz}, {@code lz4}, ...). */
    public String label() {
        return label;
    }

    /** The compression whose magic starts {@code data} at {@code off}, or null. */
    public static Compression detect(byte[] data, int off, int len) {
        for (Compression c : values()) {
            if (c.matches(data, off, len)) {
                return c;
            }
        }
        return null;
    }

    private boolean matches(byte[] data, int off, int len) {
        if (len < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[off + i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
