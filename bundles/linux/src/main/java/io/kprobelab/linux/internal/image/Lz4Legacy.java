package io.kprobelab.linux.internal.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

/**
 * The LZ4 legacy frame ({@code lz4 -l}), as the kernel's {@code unlz4} (lib/decompress_unlz4.c)
 * reads it: the magic 0x184c2102, then chunks of a 32-bit little-endian compressed length and an
 * LZ4 block of at most 8 MiB of output; a repeated magic starts a new frame, and the input ends
 * after the last chunk (or at a zero length). The blocks themselves are decoded by Commons
 * Compress.
 */
final class Lz4Legacy {

    static final int MAGIC = 0x184c2102;
    /** LZ4_DEFAULT_UNCOMPRESSED_CHUNK_SIZE: a legacy block never decodes to more. */
    static final int CHUNK = 8 << 20;

    private Lz4Legacy() {
    }

    /** Decodes {@code in} into {@code out}; returns the bytes produced (more than fit counts as one more). */
    static int decompress(byte[] in, byte[] out) throws IOException {
        if (in.length < 4 || le32(in, 0) != MAGIC) {
            throw new IOException("no LZ4 legacy magic 0x184c2102 at the start");
        }
        int pos = 4, n = 0;
        while (in.length - pos >= 4) {
            int len = le32(in, pos);
            pos += 4;
            if (len == MAGIC) {
                continue;
            }
            if (len == 0) {
                break;
            }
            if (len < 0 || len > in.length - pos) {
                throw new IOException(String.format("chunk at 0x%x claims %d bytes, %d remain", pos - 4,
                        Integer.toUnsignedLong(len), in.length - pos));
            }
            n = block(in, pos, len, out, n);
            if (n > out.length) {
                return n;
            }
            pos += len;
        }
        if (pos != in.length && !(in.length - pos < 4 && allZero(in, pos))) {
            throw new IOException(String.format("%d stray bytes after the last chunk", in.length - pos));
        }
        return n;
    }

    private static int block(byte[] in, int pos, int len, byte[] out, int n) throws IOException {
        int produced = 0;
        try (InputStream s = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(in, pos, len))) {
            while (true) {
                if (n == out.length) {
                    return s.read() < 0 ? n : n + 1;
                }
                int r = s.read(out, n, out.length - n);
                if (r < 0) {
                    return n;
                }
                n += r;
                produced += r;
                if (produced > CHUNK) {
                    throw new IOException("a legacy LZ4 block decoded to more than 8 MiB");
                }
            }
        }
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
}
