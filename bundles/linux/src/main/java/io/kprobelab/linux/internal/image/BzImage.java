package io.kprobelab.linux.internal.image;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.SetupHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bzImage: the real-mode setup sectors with the setup header (Documentation/x86/boot.rst), then
 * the protected-mode part, which holds the decompressor and, at {@code payload_offset}, the
 * compressed vmlinux ELF. The payload ends with the vmlinux's length as four little-endian bytes
 * (the build's {@code size_append}, read back by arch/x86/boot/compressed/mkpiggy.c).
 *
 * @param header      the parsed fields
 * @param headerBytes bytes 0x1f1 up to the header's end ({@code 0x202 + byte[0x201]}), for boot_params
 * @param compression the payload's compression
 * @param payload     the compressed bytes, without the appended length
 * @param payloadSize the appended length: the size of the vmlinux inside
 */
public record BzImage(SetupHeader header, byte[] headerBytes, Compression compression, byte[] payload,
                      long payloadSize) {

    private static final int HEADER = 0x1f1, MIN_VERSION = 0x020c;

    /** Whether {@code b} looks like a bzImage: boot_flag 0xaa55 at 0x1fe and "HdrS" at 0x202. */
    public static boolean looksLike(byte[] b) {
        return b.length >= 0x206 && (b[0x1fe] & 0xff) == 0x55 && (b[0x1ff] & 0xff) == 0xaa
                && b[0x202] == 'H' && b[0x203] == 'd' && b[0x204] == 'r' && b[0x205] == 'S';
    }

    /** Parses and validates a bzImage's header and locates its payload. */
    public static BzImage parse(String name, byte[] b) throws LinuxImageException {
        if (!looksLike(b)) {
            throw new LinuxImageException(name, "not a bzImage: no boot_flag 0xaa55 at 0x1fe and \"HdrS\" at 0x202");
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int end = 0x202 + (b[0x201] & 0xff);
        if (end < 0x264) {
            throw new LinuxImageException(name, String.format("setup header ends at 0x%x, before init_size (0x260..0x264)"
                    + " that a protocol 2.12 header has", end));
        }
        if (b.length < end) {
            throw new LinuxImageException(name, String.format("truncated: %d bytes, the setup header ends at 0x%x",
                    b.length, end));
        }
        int version = h.getShort(0x206) & 0xffff;
        if (version < MIN_VERSION) {
            throw new LinuxImageException(name, String.format("boot protocol %d.%02d at 0x206 is older than 2.12, "
                    + "which added the 64-bit entry (xloadflags)", version >> 8, version & 0xff));
        }
        int xloadflags = h.getShort(0x236) & 0xffff;
        if ((xloadflags & SetupHeader.XLF_KERNEL_64) == 0) {
            throw new LinuxImageException(name, String.format(
                    "xloadflags 0x%x at 0x236 lacks XLF_KERNEL_64: not a 64-bit kernel", xloadflags));
        }
        int setupSects = b[HEADER] & 0xff;
        long pmStart = ((setupSects == 0 ? 4 : setupSects) + 1) * 512L;
        long payloadOffset = h.getInt(0x248) & 0xffffffffL, payloadLength = h.getInt(0x24c) & 0xffffffffL;
        long from = pmStart + payloadOffset;
        if (payloadLength < 8 || from + payloadLength > b.length) {
            throw new LinuxImageException(name, String.format("truncated: the payload (payload_offset 0x%x + "
                    + "payload_length 0x%x after the %d setup sectors, so bytes 0x%x..0x%x) is not within the "
                    + "file's %d bytes", payloadOffset, payloadLength, setupSects, from, from + payloadLength, b.length));
        }
        Compression c = Compression.detect(b, (int) from, (int) payloadLength);
        if (c == null) {
            throw new LinuxImageException(name, String.format("unknown payload compression: first bytes %s at 0x%x "
                    + "are none of gzip, bzip2, lzma, xz, lzo, lz4, zstd", hex(b, (int) from, 6), from));
        }
        int sizeAt = (int) (from + payloadLength - 4);
        long size = h.getInt(sizeAt) & 0xffffffffL;
        SetupHeader header = new SetupHeader(setupSects, version, b[0x211] & 0xff, h.getInt(0x230) & 0xffffffffL,
                b[0x234] != 0, xloadflags, h.getInt(0x22c) & 0xffffffffL, h.getInt(0x238) & 0xffffffffL,
                payloadOffset, payloadLength, h.getLong(0x258), h.getInt(0x260) & 0xffffffffL,
                kernelVersion(b, h.getShort(0x20e) & 0xffff, (int) pmStart));
        return new BzImage(header, Arrays.copyOfRange(b, HEADER, end), c,
                Arrays.copyOfRange(b, (int) from, sizeAt), size);
    }

    /** The string {@code kernel_version} points to (offset from 0x200, inside the setup sectors); "" if none. */
    private static String kernelVersion(byte[] b, int pointer, int setupEnd) {
        int at = pointer + 0x200;
        if (pointer == 0 || at >= setupEnd) {
            return "";
        }
        int end = at;
        while (end < setupEnd && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.US_ASCII);
    }

    static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < Math.min(b.length, off + len); i++) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
