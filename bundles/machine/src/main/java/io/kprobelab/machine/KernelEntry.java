package io.kprobelab.machine;

/**
 * The vCPU 0 state a boot loader hands to a 64-bit kernel (Firecracker-style vmlinux entry):
 * long mode with paging (CR0.PE|PG, CR4.PAE, EFER.LME|LMA), CS = 0x08, SS = DS = ES = 0x10,
 * CPL 0, RFLAGS = 0x2, no IDT, the local APIC in x2APIC mode or in xAPIC mode at 0xfee00000.
 *
 * @param rip      the kernel's entry point
 * @param rsp      top of the boot stack (mapped by {@code cr3})
 * @param rsi      the boot-information pointer passed in RSI
 * @param cr3      physical address of the PML4 the loader built
 * @param gdtBase  linear address of the loader's GDT (as LGDT would load it)
 * @param gdtLimit its limit
 * @param callStack top of a 16-byte aligned stack of host-reserved memory, mapped writable in
 *                  every address space, that {@link Machine#call} uses on the booted kernel; 0 for none
 * @param x2apic    the local APIC starts in x2APIC mode (the KprobeLab guest expects it); false
 *                  leaves it in xAPIC mode as a PC firmware does (a Linux kernel without x2APIC
 *                  support refuses an APIC that firmware left in x2APIC mode)
 * @param hostTextStart start of a page-aligned range of kernel virtual addresses the kernel never
 *                  maps or uses, within 2 GB of its text, where {@link Machine#allocateKernelText}
 *                  (and {@link Machine#call}'s sentinel and stack, when {@code callStack} is 0)
 *                  place host-reserved pages; the machine maps them itself, present in every
 *                  address space whatever the kernel does to its page tables; 0 for none
 * @param hostTextEnd   its end (exclusive)
 */
public record KernelEntry(long rip, long rsp, long rsi, long cr3, long gdtBase, int gdtLimit, long callStack,
        boolean x2apic, long hostTextStart, long hostTextEnd) {

    public KernelEntry {
        if (hostTextStart != 0 || hostTextEnd != 0) {
            if ((hostTextStart & 0xfff) != 0 || (hostTextEnd & 0xfff) != 0 || hostTextStart >= 0
                    || Long.compareUnsigned(hostTextEnd, hostTextStart) <= 0 || hostTextEnd - hostTextStart > (64L << 20)) {
                throw new IllegalArgumentException(String.format(
                        "not a host text area (page-aligned kernel addresses, at most 64 MiB): 0x%x-0x%x",
                        hostTextStart, hostTextEnd));
            }
        }
    }

    /** The KprobeLab guest's entry: the local APIC in x2APIC mode, no host text area. */
    public KernelEntry(long rip, long rsp, long rsi, long cr3, long gdtBase, int gdtLimit, long callStack) {
        this(rip, rsp, rsi, cr3, gdtBase, gdtLimit, callStack, true, 0, 0);
    }
}
