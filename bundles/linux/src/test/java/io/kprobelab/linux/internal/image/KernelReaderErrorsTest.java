package io.kprobelab.linux.internal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.SymbolSource;
import io.kprobelab.linux.TestKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input says what, where and why. */
class KernelReaderErrorsTest {

    @TempDir
    Path tmp;

    static String error(String name, byte[] bytes) {
        return assertThrows(LinuxImageException.class, () -> LinuxKernel.parse(name, bytes)).getMessage();
    }

    @Test
    void aTruncatedBzImage() {
        byte[] bz = TestKernels.teamBytes("bzImage");
        byte[] cut = Arrays.copyOf(bz, bz.length / 2);
        String m = error("bzImage", cut);
        assertEquals(true, m.startsWith("bzImage: truncated: the payload (payload_offset 0x"), m);
        assertEquals(true, m.endsWith("is not within the file's " + cut.length + " bytes"), m);
        assertEquals("bzImage: truncated: 520 bytes, the setup header ends at 0x26c",
                error("bzImage", Arrays.copyOf(bz, 520)));
    }

    @Test
    void anUnknownCompression() {
        byte[] bz = TestKernels.teamBytes("bzImage");
        int from = ((bz[0x1f1] & 0xff) + 1) * 512 + le32(bz, 0x248);
        bz[from] = 0x55;
        bz[from + 1] = 0x66;
        String m = error("bzImage", bz);
        assertEquals(true, m.startsWith(String.format("bzImage: unknown payload compression: first bytes 55 66 ")), m);
        assertEquals(true, m.endsWith(String.format("at 0x%x are none of gzip, bzip2, lzma, xz, lzo, lz4, zstd", from)), m);
    }

    @Test
    void notASixtyFourBitKernel() {
        byte[] bz = TestKernels.teamBytes("bzImage");
        bz[0x236] = 0; // xloadflags
        assertEquals("bzImage: xloadflags 0x0 at 0x236 lacks XLF_KERNEL_64: not a 64-bit kernel", error("bzImage", bz));
    }

    @Test
    void anElfThatIsNotX86() {
        byte[] elf = Arrays.copyOf(TestKernels.teamBytes("vmlinux"), 4096);
        elf[18] = (byte) 183; // EM_AARCH64
        assertEquals("vmlinux: e_machine 183 (AArch64), expected 62 (x86-64)", error("vmlinux", elf));
    }

    @Test
    void somethingElse() {
        assertEquals("x: neither a vmlinux ELF (7f 45 4c 46) nor a bzImage (0xaa55 at 0x1fe, \"HdrS\" at 0x202); "
                + "first bytes 23 21 2f 62", error("x", "#!/bin/sh\necho hi\n".getBytes()));
    }

    @Test
    void aSystemMapOfAnotherBuild() throws Exception {
        Path bz = tmp.resolve("bzImage");
        Files.copy(TestKernels.team("bzImage"), bz);
        String map = Files.readString(TestKernels.team("System.map"));
        // The same map with every address 16 bytes later, as after a small change to the sources.
        StringBuilder shifted = new StringBuilder();
        for (String line : map.split("\n")) {
            String[] f = line.split(" ");
            shifted.append(String.format("%016x %s %s%n", Long.parseUnsignedLong(f[0], 16) + 16, f[1], f[2]));
        }
        Path other = tmp.resolve("System.map");
        Files.writeString(other, shifted);
        String m = assertThrows(LinuxImageException.class, () -> LinuxKernel.open(bz)).getMessage();
        assertEquals(true, m.startsWith(other + ": does not match " + bz + " (xz payload): startup_64 is 0x"), m);
    }

    @Test
    void debiansStubBesideTheKernelIsIgnoredButRefusedWhenGiven() throws Exception {
        Path bz = tmp.resolve("vmlinuz-6.1.0-99-test");
        Files.copy(TestKernels.team("bzImage"), bz);
        Path stub = tmp.resolve("System.map-6.1.0-99-test");
        Files.writeString(stub, "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n");
        assertEquals(SymbolSource.KALLSYMS, LinuxKernel.open(bz).symbolSource());
        String m = assertThrows(LinuxImageException.class, () -> LinuxKernel.open(bz, stub)).getMessage();
        assertEquals(stub + ": a placeholder, not a symbol map (no ADDRESS TYPE NAME line)", m);
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
}
