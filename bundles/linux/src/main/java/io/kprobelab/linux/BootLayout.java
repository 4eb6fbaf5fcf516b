package io.kprobelab.linux;

import java.util.List;

/**
 * Where {@link LinuxBoot#boot} placed everything in guest physical memory, and the entry state it
 * gave vCPU 0. All addresses are physical (identity-mapped at entry).
 *
 * @param kernelStart  the lowest p_paddr of the kernel's segments
 * @param kernelEnd    one past the highest byte of them (bss and brk included)
 * @param entry        RIP at entry: the physical {@code startup_64}
 * @param zeroPage     boot_params, passed in RSI
 * @param cmdline      the NUL-terminated command line
 * @param gdt          the loader's GDT (4 descriptors)
 * @param pml4         CR3 at entry
 * @param stackTop     RSP at entry
 * @param initrdStart  the initrd's first byte (0 when there is none)
 * @param initrdSize   its length
 * @param ramSize      the end of RAM in the e820 map
 * @param e820         the memory map given to the kernel
 */
public record BootLayout(long kernelStart, long kernelEnd, long entry, long zeroPage, long cmdline, long gdt,
                         long pml4, long stackTop, long initrdStart, long initrdSize, long ramSize,
                         List<E820Entry> e820) {

    public BootLayout {
        e820 = List.copyOf(e820);
    }
}
