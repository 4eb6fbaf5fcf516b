package io.kprobelab.linux.internal.image;

import com.github.luben.zstd.Zstd;
import io.kprobelab.linux.LinuxImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * Decompresses a bzImage payload into the vmlinux ELF, as the kernel's boot decompressor does
 * ({@code __decompress} in arch/x86/boot/compressed/misc.c): one stream of the detected format,
 * whose output must have the length the build appended.
 */
public final class PayloadDecompressor {

    /** Refuse anything claiming more: no x86-64 kernel image comes near it, and it bounds the allocation. */
    static final long MAX_OUTPUT = 1L << 30;

    private PayloadDecompressor() {
    }

    /** The vmlinux inside {@code bz}. */
    public static byte[] decompress(String name, BzImage bz) throws LinuxImageException {
        return decompress(name, bz.compression(), bz.payload(), bz.payloadSize());
    }

    /** Decompresses {@code data} of format {@code c} into exactly {@code size} bytes. */
    static byte[] decompress(String name, Compression c, byte[] data, long size) throws LinuxImageException {
        if (size <= 0 || size > MAX_OUTPUT) {
            throw new LinuxImageException(name, String.format("the %s payload claims a decompressed size of %d bytes "
                    + "(its last four bytes); expected 1..%d", c.label(), size, MAX_OUTPUT));
        }
        byte[] out = new byte[(int) size];
        int n;
        try {
            n = switch (c) {
                case GZIP, GZIP_OLD -> readFully(new GZIPInputStream(new ByteArrayInputStream(data), 1 << 16), out);
                case BZIP2 -> readFully(new BZip2CompressorInputStream(new ByteArrayInputStream(data)), out);
                case LZMA -> readFully(new LZMAInputStream(new ByteArrayInputStream(data)), out);
                case XZ -> readFully(new SingleXZInputStream(new ByteArrayInputStream(data)), out);
                case LZ4 -> Lz4Legacy.decompress(data, out);
                case ZSTD -> zstd(name, data, out);
                case LZO -> throw new LinuxImageException(name, "lzo payload: no LZO decoder here (the kernel's "
                        + "lzop container); rebuild with CONFIG_KERNEL_XZ, _GZIP, _ZSTD or _LZ4, or pass the vmlinux");
            };
        } catch (IOException | RuntimeException e) {
            throw new LinuxImageException(name, c.label() + " payload is corrupt: " + e.getMessage(), e);
        }
        if (n != size) {
            throw new LinuxImageException(name, String.format("the %s payload decompressed to %d bytes, but the "
                    + "image says %d (its last four bytes)", c.label(), n, size));
        }
        return out;
    }

    /**
     * One zstd frame in one call, as the kernel's boot decompressor does (so the window, up to
     * 128 MiB for {@code zstd -22 --ultra}, is the output itself).
     */
    private static int zstd(String name, byte[] data, byte[] out) throws LinuxImageException {
        long n;
        try {
            n = Zstd.decompressByteArray(out, 0, out.length, data, 0, data.length);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new LinuxImageException(name, "zstd payload: zstd-jni has no native library for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " in this build: " + e, e);
        }
        if (Zstd.isError(n)) {
            throw new LinuxImageException(name, "zstd payload is corrupt: " + Zstd.getErrorName(n));
        }
        return (int) n;
    }

    /** Reads until {@code out} is full or the stream ends; one byte more than fits is an error. */
    private static int readFully(InputStream in, byte[] out) throws IOException {
        try (in) {
            int n = 0;
            while (n < out.length) {
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    return n;
                }
                n += r;
            }
            if (in.read() >= 0) {
                return n + 1; // longer than stated: reported by the caller as a size mismatch
            }
            return n;
        }
    }
}
