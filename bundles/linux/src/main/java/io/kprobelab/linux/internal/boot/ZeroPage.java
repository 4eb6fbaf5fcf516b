package io.kprobelab.linux.internal.boot;

import io.kprobelab.linux.E820Entry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds {@code struct boot_params}, the "zero page" (Documentation/x86/zero-page.rst and the
 * setup header table of Documentation/x86/boot.rst): the image's setup header copied to the same
 * offsets, or one made up for a vmlinux, then the fields a loader writes. Everything else stays
 * zero, and so does {@code sentinel} (0x1ef), which tells {@code sanitize_boot_params} that the
 * loader cleared the page.
 */
final class ZeroPage {

    static final int SIZE = 4096;
    static final int EXT_RAMDISK_IMAGE = 0x0c0, EXT_RAMDISK_SIZE = 0x0c4, EXT_CMD_LINE_PTR = 0x0c8,
            E820_ENTRIES = 0x1e8, SENTINEL = 0x1ef, SETUP_HEADER = 0x1f1, VID_MODE = 0x1fa, BOOT_FLAG = 0x1fe,
            HEADER = 0x202, VERSION = 0x206, TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21c, HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22c,
            CMDLINE_SIZE = 0x238, XLOADFLAGS = 0x236, HARDWARE_SUBARCH = 0x23c, SETUP_DATA = 0x250,
            E820_TABLE = 0x2d0;
    static final int E820_MAX_ENTRIES_ZEROPAGE = 128;
    /** The protocol this loader follows, and what a synthesized header claims: 2.15, as 6.1's header.S. */
    static final int PROTOCOL = 0x020f;
    /** type_of_loader 0xff: "undefined" (a loader with no assigned id). */
    static final int LOADER_UNDEFINED = 0xff;
    static final int LOADED_HIGH = 0x01, QUIET_FLAG = 0x20, KEEP_SEGMENTS = 0x40, CAN_USE_HEAP = 0x80;

    /**
     * What a vmlinux has no header to say, from the x86-64 kernel's constants: the initrd may
     * lie anywhere below 2 GiB (initrd_addr_max as 64-bit kernels report it) and the command line
     * may have COMMAND_LINE_SIZE - 1 = 2047 bytes (arch/x86/include/asm/setup.h).
     */
    static final long DEFAULT_INITRD_ADDR_MAX = 0x7fffffffL, DEFAULT_CMDLINE_SIZE = 2047;

    private ZeroPage() {
    }

    /**
     * The zero page.
     *
     * @param setupHeader the image's setup header bytes from 0x1f1, or null for a vmlinux
     */
    static byte[] build(byte[] setupHeader, long cmdLinePtr, long initrdStart, long initrdSize, List<E820Entry> e820) {
        if (e820.size() > E820_MAX_ENTRIES_ZEROPAGE) {
            throw new IllegalArgumentException(e820.size() + " e820 entries, boot_params holds " + E820_MAX_ENTRIES_ZEROPAGE);
        }
        ByteBuffer zp = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (setupHeader != null) {
            zp.position(SETUP_HEADER);
            zp.put(setupHeader, 0, Math.min(setupHeader.length, SIZE - SETUP_HEADER));
        } else {
            zp.putShort(BOOT_FLAG, (short) 0xaa55);
            zp.putInt(HEADER, 0x53726448); // "HdrS"
            zp.putShort(VERSION, (short) PROTOCOL);
            zp.putInt(INITRD_ADDR_MAX, (int) DEFAULT_INITRD_ADDR_MAX);
            zp.putInt(CMDLINE_SIZE, (int) DEFAULT_CMDLINE_SIZE);
            zp.putShort(XLOADFLAGS, (short) 1); // XLF_KERNEL_64
        }
        zp.putShort(VID_MODE, (short) 0xffff); // "normal"
        zp.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        int flags = zp.get(LOADFLAGS) & 0xff;
        // Loaded high, no real-mode heap, segments as the protocol says, messages not suppressed.
        zp.put(LOADFLAGS, (byte) ((flags | LOADED_HIGH) & ~(CAN_USE_HEAP | KEEP_SEGMENTS | QUIET_FLAG)));
        zp.putShort(HEAP_END_PTR, (short) 0);
        zp.putInt(RAMDISK_IMAGE, (int) initrdStart);
        zp.putInt(EXT_RAMDISK_IMAGE, (int) (initrdStart >>> 32));
        zp.putInt(RAMDISK_SIZE, (int) initrdSize);
        zp.putInt(EXT_RAMDISK_SIZE, (int) (initrdSize >>> 32));
        zp.putInt(CMD_LINE_PTR, (int) cmdLinePtr);
        zp.putInt(EXT_CMD_LINE_PTR, (int) (cmdLinePtr >>> 32));
        zp.putInt(HARDWARE_SUBARCH, 0); // X86_SUBARCH_PC
        zp.putLong(SETUP_DATA, 0);
        zp.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            E820Entry e = e820.get(i);
            int at = E820_TABLE + 20 * i;
            zp.putLong(at, e.addr()).putLong(at + 8, e.size()).putInt(at + 16, e.type());
        }
        zp.put(SENTINEL, (byte) 0);
        return zp.array();
    }

    /** initrd_addr_max of a zero page. */
    static long initrdAddrMax(byte[] zp) {
        return ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN).getInt(INITRD_ADDR_MAX) & 0xffffffffL;
    }

    /** cmdline_size of a zero page (255 for protocols before 2.06, which had no such field). */
    static long cmdlineSize(byte[] zp) {
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        return (b.getShort(VERSION) & 0xffff) < 0x0206 ? 255 : b.getInt(CMDLINE_SIZE) & 0xffffffffL;
    }
}
