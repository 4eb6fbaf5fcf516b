package io.kprobelab.linux;

/**
 * The fields of a bzImage's setup header ({@code struct setup_header}, Documentation/x86/boot.rst)
 * that a 64-bit loader reads. Offsets in the comments are those of the image and of boot_params.
 *
 * @param setupSects       0x1f1: 512-byte sectors of real-mode setup code (0 read as 4)
 * @param version          0x206: boot protocol version, e.g. 0x020f for 2.15
 * @param loadflags        0x211
 * @param kernelAlignment  0x230: alignment the kernel needs if it is relocated
 * @param relocatable      0x234: relocatable_kernel
 * @param xloadflags       0x236: bit 0 XLF_KERNEL_64, bit 1 XLF_CAN_BE_LOADED_ABOVE_4G, ...
 * @param initrdAddrMax    0x22c: highest address the initrd may occupy
 * @param cmdlineSize      0x238: longest command line, without its NUL
 * @param payloadOffset    0x248: the compressed vmlinux, from the start of the protected-mode part
 * @param payloadLength    0x24c: its length
 * @param prefAddress      0x258: the preferred (link-time) load address
 * @param initSize         0x260: bytes the kernel needs from its load address before it can read the memory map
 * @param kernelVersion    the string {@code kernel_version} (0x20e) points to, e.g.
 *                         {@code 6.1.0-31-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP ...}
 */
public record SetupHeader(int setupSects, int version, int loadflags, long kernelAlignment, boolean relocatable,
                          int xloadflags, long initrdAddrMax, long cmdlineSize, long payloadOffset,
                          long payloadLength, long prefAddress, long initSize, String kernelVersion) {

    /** xloadflags bit 0: the kernel has the 64-bit entry at +0x200. */
    public static final int XLF_KERNEL_64 = 1;
    /** loadflags bit 0: the protected-mode part is loaded at 1 MiB or higher. */
    public static final int LOADED_HIGH = 1;

    /** The release, the first word of {@link #kernelVersion()} ({@code 6.1.0-31-cloud-amd64}). */
    public String release() {
        int sp = kernelVersion.indexOf(' ');
        return sp < 0 ? kernelVersion : kernelVersion.substring(0, sp);
    }
}
