package io.kprobelab.linux;

import java.nio.charset.StandardCharsets;

/**
 * What a loader hands a Linux kernel besides the kernel itself.
 *
 * @param cmdline the kernel command line; {@link LinuxBoot#DEFAULT_CMDLINE} when null
 * @param initrd  the initial ramdisk (an initramfs cpio, compressed or not); null or empty for none
 * @param ramSize bytes of RAM to give the kernel (the e820 map ends there); 0 means all of the machine's
 */
public record BootOptions(String cmdline, byte[] initrd, long ramSize) {

    public BootOptions {
        if (cmdline == null) {
            cmdline = LinuxBoot.DEFAULT_CMDLINE;
        }
        if (cmdline.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command line contains a NUL byte");
        }
        if (initrd == null) {
            initrd = new byte[0];
        }
        if (ramSize < 0) {
            throw new IllegalArgumentException("negative RAM size: " + ramSize);
        }
    }

    /** The default command line, no initrd, all of the machine's RAM. */
    public static BootOptions defaults() {
        return new BootOptions(null, null, 0);
    }

    /** {@code cmdline} with {@code initrd}, all of the machine's RAM. */
    public static BootOptions of(String cmdline, byte[] initrd) {
        return new BootOptions(cmdline, initrd, 0);
    }

    /** The command line as the kernel reads it (UTF-8, without the NUL). */
    public byte[] cmdlineBytes() {
        return cmdline.getBytes(StandardCharsets.UTF_8);
    }
}
