package io.kprobelab.linux.internal.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.LinuxImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every payload format a 6.1 kernel can be built with, made by the same command-line tool and
 * options as the kernel's scripts/Makefile.lib uses (scripts/linux/test-tools.sh installs them),
 * with the build's {@code size_append} trailer, read back by the loader's decompressor.
 */
class PayloadDecompressorTest {

    /**
     * Compressible but not trivially; larger than one 8 MiB LZ4 legacy chunk for the LZ4 case,
     * 1 MiB for the others (the kernel's levels, -9 and zstd -22, are slow on 2 cores).
     */
    static byte[] big, vmlinux;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void data() {
        big = new byte[(9 << 20) + 12345];
        Random r = new Random(61);
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ((i % 4096 < 2048) ? r.nextInt(16) : i * 31 >>> 7);
        }
        vmlinux = Arrays.copyOf(big, (1 << 20) + 12345);
    }

    @Test
    void gzip() throws Exception {
        roundTrip(Compression.GZIP, "gzip", "-n", "-f", "-9");
    }

    @Test
    void bzip2() throws Exception {
        roundTrip(Compression.BZIP2, "bzip2", "-9");
    }

    @Test
    void lzma() throws Exception {
        roundTrip(Compression.LZMA, "lzma", "-9");
    }

    @Test
    void xzWithTheX86Filter() throws Exception {
        roundTrip(Compression.XZ, "xz", "--check=crc32", "--x86", "--lzma2=,dict=32MiB");
    }

    @Test
    void lz4LegacyFrameInSeveralChunks() throws Exception {
        byte[] small = vmlinux;
        vmlinux = big;
        try {
            roundTrip(Compression.LZ4, "lz4", "-l", "-9", "-", "-");
        } finally {
            vmlinux = small;
        }
    }

    @Test
    void zstd() throws Exception {
        roundTrip(Compression.ZSTD, "zstd", "-22", "--ultra");
    }

    @Test
    void aWrongSizeOrCorruptDataIsRefused() throws Exception {
        byte[] xz = compress("xz", "--check=crc32");
        LinuxImageException e = assertThrows(LinuxImageException.class,
                () -> PayloadDecompressor.decompress("k", Compression.XZ, xz, vmlinux.length - 1));
        assertTrue(e.getMessage().contains("decompressed to " + vmlinux.length + " bytes, but the image says "
                + (vmlinux.length - 1)), e.getMessage());
        byte[] bad = xz.clone();
        bad[bad.length / 2] ^= 0x55;
        e = assertThrows(LinuxImageException.class,
                () -> PayloadDecompressor.decompress("k", Compression.XZ, bad, vmlinux.length));
        assertTrue(e.getMessage().startsWith("k: xz payload is corrupt"), e.getMessage());
        e = assertThrows(LinuxImageException.class,
                () -> PayloadDecompressor.decompress("k", Compression.LZO, new byte[16], 100));
        assertTrue(e.getMessage().contains("no LZO decoder"), e.getMessage());
    }

    static void roundTrip(Compression expected, String... cmd) throws Exception {
        byte[] packed = compress(cmd);
        byte[] payload = Arrays.copyOf(packed, packed.length + 4); // size_append: the length, little-endian
        for (int i = 0; i < 4; i++) {
            payload[packed.length + i] = (byte) (vmlinux.length >>> (8 * i));
        }
        assertEquals(expected, Compression.detect(payload, 0, payload.length));
        byte[] out = PayloadDecompressor.decompress(cmd[0], expected, Arrays.copyOf(payload, packed.length),
                vmlinux.length);
        assertArrayEquals(vmlinux, out);
    }

    /** {@code cmd} reading the data on standard input, its output. */
    static byte[] compress(String... cmd) throws IOException, InterruptedException {
        Path in = tmp.resolve("vmlinux-" + vmlinux.length + ".bin");
        if (!Files.exists(in)) {
            Files.write(in, vmlinux);
        }
        Path out = tmp.resolve("out-" + cmd[0]);
        Process p = new ProcessBuilder(List.of(cmd)).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed (scripts/linux/test-tools.sh installs it)");
        return Files.readAllBytes(out);
    }
}
