package io.kprobelab.linux.internal.boot;

/**
 * The loader's GDT. The 64-bit boot protocol wants {@code __BOOT_CS} (0x10) execute/read and
 * {@code __BOOT_DS} (0x18) read/write, both flat; 0x08 is a second 64-bit code descriptor because
 * {@link io.kprobelab.machine.Machine#bootKernel} enters with CS 0x08 (and SS/DS/ES 0x10), which the
 * kernel replaces at once with its own GDT ({@code startup_64_setup_env} in arch/x86/kernel/head64.c).
 */
final class BootGdt {

    /** Present, DPL 0, code, execute/read, accessed; L=1 (64-bit), D=0; limit 0xfffff pages. */
    static final long CODE64 = 0x00af9b000000ffffL;
    /** Present, DPL 0, data, read/write, accessed; D/B=1, G=1; base 0, limit 4 GiB. */
    static final long DATA = 0x00cf93000000ffffL;

    static final long[] ENTRIES = {0, CODE64, CODE64, DATA};

    private BootGdt() {
    }

    /** The table's bytes, little-endian. */
    static byte[] bytes() {
        byte[] b = new byte[ENTRIES.length * 8];
        for (int i = 0; i < ENTRIES.length; i++) {
            for (int j = 0; j < 8; j++) {
                b[i * 8 + j] = (byte) (ENTRIES[i] >>> (8 * j));
            }
        }
        return b;
    }

    /** The limit LGDT takes. */
    static int limit() {
        return ENTRIES.length * 8 - 1;
    }
}
