package io.kprobelab.linux.internal.boot;

import io.kprobelab.linux.BootLayout;
import io.kprobelab.linux.BootOptions;
import io.kprobelab.linux.E820Entry;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.LoadSegment;
import io.kprobelab.linux.internal.image.LinuxKernelImpl;
import io.kprobelab.machine.KernelEntry;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link io.kprobelab.linux.LinuxBoot#boot}: the 64-bit boot protocol, Firecracker's way (its
 * {@code configure_system} and {@code load_kernel}): segments at p_paddr, boot_params, identity
 * page tables, a GDT, and the entry state. The physical layout is drawn in LinuxBoot's Javadoc.
 */
public final class LinuxLoader {

    static final long GDT = 0x1000, STACK_TOP = 0x7000, ZERO_PAGE = 0x7000, CMDLINE = 0x8000,
            TABLES = 0x9000, TABLES_END = 0x9f000;
    /** Where the BIOS areas of a PC begin (EBDA, VGA, ROMs): reserved up to 1 MiB. */
    static final long LOW_RAM_END = 0x9fc00, ONE_MIB = 0x100000;
    /**
     * The machine's own frames (host page tables and stacks it allocates from 1 MiB up) live below
     * this; it is also LOAD_PHYSICAL_ADDR of a default x86-64 kernel.
     */
    static final long HOST_RESERVED_END = 0x1000000;
    /** Size of the area for host text below {@code __START_KERNEL_map} (BOOT.md). */
    static final long HOST_TEXT_SIZE = 16L << 20;

    /** The identity map covers at least this much, as the boot protocol's loaders do. */
    static final long IDENTITY_MIN = 4L << 30;

    private LinuxLoader() {
    }

    /** Places and enters {@code kernel}. */
    public static BootLayout boot(Machine machine, LinuxKernel kernel, BootOptions options) {
        if (!(kernel instanceof LinuxKernelImpl k)) {
            throw new IllegalArgumentException("not a kernel read by LinuxKernel.open/parse: " + kernel);
        }
        PhysicalMemory pm = machine.physicalMemory();
        long ram = options.ramSize() == 0 ? pm.size() : options.ramSize();
        if (ram > pm.size()) {
            throw new IllegalArgumentException(String.format("RAM size %d MiB is more than the machine's %d MiB",
                    ram >> 20, pm.size() >> 20));
        }
        ram &= ~0xfffL;
        long kernelStart = Long.MAX_VALUE, kernelEnd = 0;
        for (LoadSegment s : k.loadSegments()) {
            kernelStart = Math.min(kernelStart, s.paddr());
            kernelEnd = Math.max(kernelEnd, s.paddrEnd());
            if (s.paddr() < HOST_RESERVED_END || s.paddrEnd() > ram) {
                throw new IllegalArgumentException(String.format("%s: segment at physical 0x%x-0x%x is outside "
                        + "0x%x..0x%x (16 MiB to the end of RAM): a kernel built for another load address, or too "
                        + "little RAM", k.name(), s.paddr(), s.paddrEnd(), HOST_RESERVED_END, ram));
            }
        }
        byte[] header = k.setupHeaderBytes().orElse(null);
        byte[] probe = ZeroPage.build(header, 0, 0, 0, List.of());
        byte[] cmd = options.cmdlineBytes();
        if (cmd.length > ZeroPage.cmdlineSize(probe) || cmd.length >= TABLES - CMDLINE) {
            throw new IllegalArgumentException(String.format("command line of %d bytes is longer than the "
                    + "kernel's cmdline_size %d", cmd.length, ZeroPage.cmdlineSize(probe)));
        }
        byte[] initrd = options.initrd();
        long initrdStart = 0;
        if (initrd.length > 0) {
            long top = Math.min(ram, ZeroPage.initrdAddrMax(probe) + 1);
            initrdStart = (top - initrd.length) & ~0xfffL;
            if (initrdStart < kernelEnd) {
                throw new IllegalArgumentException(String.format("initrd of %d bytes does not fit between the "
                        + "kernel's end 0x%x and 0x%x (RAM or initrd_addr_max)", initrd.length, kernelEnd, top));
            }
        }
        List<E820Entry> e820 = List.of(
                new E820Entry(0, LOW_RAM_END, E820Entry.RAM),
                new E820Entry(LOW_RAM_END, ONE_MIB - LOW_RAM_END, E820Entry.RESERVED),
                new E820Entry(ONE_MIB, HOST_RESERVED_END - ONE_MIB, E820Entry.RESERVED),
                new E820Entry(HOST_RESERVED_END, ram - HOST_RESERVED_END, E820Entry.RAM));

        pm.zero(0, pm.size());
        byte[] file = k.elfBytes();
        for (LoadSegment s : k.loadSegments()) {
            pm.write(s.paddr(), file, (int) s.fileOffset(), (int) s.fileSize()); // the rest to memsz stays zero
        }
        if (initrd.length > 0) {
            pm.write(initrdStart, initrd, 0, initrd.length);
        }
        pm.write(CMDLINE, cmd, 0, cmd.length); // the NUL is already there
        pm.write(ZERO_PAGE, ZeroPage.build(header, CMDLINE, initrdStart, initrd.length, e820), 0, ZeroPage.SIZE);
        byte[] gdt = BootGdt.bytes();
        pm.write(GDT, gdt, 0, gdt.length);
        BootPageTables pt = new BootPageTables(pm, TABLES, TABLES_END);
        pt.map(0, 0, align2M(Math.max(IDENTITY_MIN, ram)));
        long textMap = textMapOffset(k);
        if (textMap != 0) {
            pt.map(textMap, 0, align2M(kernelEnd));
        }
        // Host text (kprobes' slots and trampolines, Machine.call's sentinel and stack): the top of
        // the "unused hole" below __START_KERNEL_map (Documentation/x86/x86_64/mm.rst), within 2 GB
        // of the kernel's text; the machine maps it itself (BOOT.md). The local APIC in xAPIC mode,
        // as PC firmware leaves it for a kernel that may lack x2APIC support.
        long hostText = textMap != 0 ? textMap - HOST_TEXT_SIZE : 0;
        machine.bootKernel(k.elf(), new KernelEntry(k.entryPhysical(), STACK_TOP, ZERO_PAGE, pt.pml4(), GDT,
                BootGdt.limit(), 0, false, hostText, textMap),
                new io.kprobelab.linux.internal.profile.LinuxKernelProfile(machine, kernel));
        return new BootLayout(kernelStart, kernelEnd, k.entryPhysical(), ZERO_PAGE, CMDLINE, GDT, pt.pml4(), STACK_TOP,
                initrdStart, initrd.length, ram, new ArrayList<>(e820));
    }

    /**
     * {@code __START_KERNEL_map}: p_vaddr - p_paddr of the segment holding the entry (the text),
     * when it is a 2 MiB-aligned kernel-half address; 0 otherwise (nothing to map).
     */
    private static long textMapOffset(LinuxKernelImpl k) {
        for (LoadSegment s : k.loadSegments()) {
            if (k.entryPhysical() >= s.paddr() && k.entryPhysical() < s.paddrEnd()) {
                long off = s.vaddr() - s.paddr();
                return off < 0 && (off & (BootPageTables.PAGE_2M - 1)) == 0 ? off : 0;
            }
        }
        return 0;
    }

    private static long align2M(long v) {
        return (v + BootPageTables.PAGE_2M - 1) & -BootPageTables.PAGE_2M;
    }
}
