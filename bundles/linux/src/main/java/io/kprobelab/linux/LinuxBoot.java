package io.kprobelab.linux;

import io.kprobelab.machine.Machine;

/**
 * Starts a Linux kernel on a {@link Machine} through the x86 64-bit boot protocol
 * (Documentation/x86/boot.rst, "64-bit Boot Protocol"), the way Firecracker boots a vmlinux: the
 * kernel's segments at their physical addresses, boot_params (the zero page) with the command
 * line, the initrd and an e820 map, page tables that identity-map low memory, a GDT with
 * {@code __BOOT_CS} and {@code __BOOT_DS}, and vCPU 0 at the physical {@code startup_64} with RSI
 * pointing at boot_params. A bzImage is booted the same way, through the vmlinux inside it: its
 * own decompressor needs 32-bit code the machine does not run.
 *
 * <p>Physical memory at entry:
 * <pre>
 *   0x0000_1000  GDT: 0x08 and 0x10 64-bit code, 0x18 flat data
 *   0x0000_2000  boot stack (top 0x7000)
 *   0x0000_7000  boot_params
 *   0x0000_8000  command line (up to 4 KiB)
 *   0x0000_9000  page tables: PML4, PDPTs, page directories
 *   0x0009_fc00 - 0x0010_0000  reserved (EBDA, VGA, BIOS in a PC)
 *   0x0010_0000 - 0x0100_0000  reserved: the machine's own frames (host-side tables, stacks)
 *   0x0100_0000  the kernel (LOAD_PHYSICAL_ADDR), then free RAM
 *   top of RAM   the initrd, page-aligned, below initrd_addr_max
 * </pre>
 */
public final class LinuxBoot {

    /**
     * A command line for the emulated machine: the serial console from the first printk on;
     * {@code nokaslr} (a distribution kernel randomises otherwise; the loader already places it at
     * its link address); {@code mitigations=off} (no PTI double page tables, no speculation MSRs the
     * CPU does not have); {@code tsc=reliable} (virtual time is exact, no clocksource watchdog);
     * {@code idle=halt}; one UART; a triple fault to reboot and an immediate one on panic, so the run
     * ends; busybox's {@code /init} from the initramfs. Not {@code acpi=off}: a kernel built without
     * the MP-table parser (distribution kernels) then turns its local APIC off; without ACPI tables
     * it finds no RSDP and uses the APIC in virtual-wire mode, as on this machine it should.
     */
    public static final String DEFAULT_CMDLINE = "console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr "
            + "mitigations=off tsc=reliable idle=halt 8250.nr_uarts=1 reboot=t panic=-1 rdinit=/init";

    private LinuxBoot() {
    }

    /**
     * Zeroes {@code machine}'s RAM, places {@code kernel}, the command line and the initrd of
     * {@code options}, builds boot_params, page tables and a GDT, and makes vCPU 0 ready to enter
     * the kernel ({@link Machine#bootKernel}); run it with {@link Machine#runKernel}.
     *
     * @return where everything went
     * @throws IllegalArgumentException if the kernel, the command line or the initrd does not fit
     *                                  the machine or the kernel's limits (the message says which)
     */
    public static BootLayout boot(Machine machine, LinuxKernel kernel, BootOptions options) {
        return io.kprobelab.linux.internal.boot.LinuxLoader.boot(machine, kernel, options);
    }
}
