package io.kprobelab.machine.internal;

import io.kprobelab.machine.MemoryFault;

/**
 * The 4-level page walk of IA-32e paging (SDM Vol. 3 §4.5) with the access rights of §4.6:
 * P, R/W (with CR0.WP), U/S, XD (with EFER.NXE), 2 MiB and 1 GiB pages, accessed/dirty bits.
 */
final class Mmu {

    static final long P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, NX = 1L << 63;
    static final long ADDR = 0x000ffffffffff000L;
    /**
     * MAXPHYADDR, the physical address width CPUID leaf 0x80000008 reports: page-table addresses
     * at or above it are reserved bits. Physical addresses between the end of RAM and it are
     * memory-mapped I/O (the local APIC) or unbacked bus addresses.
     */
    static final int PHYS_BITS = 40;
    static final long PHYS_LIMIT = 1L << PHYS_BITS;

    private Mmu() {
    }

    static boolean canonical(long va) {
        return (va >> 47) == 0 || (va >> 47) == -1;
    }

    /**
     * Translates {@code va} for an access of kind {@code acc} ({@link Cpu#ACC_READ} etc.).
     * Throws the CPU's exception with #GP for a non-canonical address or #PF (CR2 set).
     */
    static long walk(Cpu c, long va, int acc, boolean user) {
        if (!canonical(va)) {
            throw c.gp(0);
        }
        long r = walk(c.mem, c.cr3, va, acc, user, (c.cr0 & 0x10000) != 0, (c.efer & 0x800) != 0, true, true);
        if (r < 0) {
            r = overlay(c, va, acc, user, r);
        }
        if (r < 0) {
            c.cr2 = va;
            throw c.fault(14, (int) -r - 1, va);
        }
        return r;
    }

    /** An implicit supervisor access (descriptor tables, interrupt stacks) whatever the CPL (SDM Vol. 3 §4.6). */
    static long walkSupervisor(Cpu c, long va, int acc) {
        if (!canonical(va)) {
            throw c.gp(0);
        }
        long r = walk(c.mem, c.cr3, va, acc, false, (c.cr0 & 0x10000) != 0, (c.efer & 0x800) != 0, true);
        if (r < 0) {
            r = overlay(c, va, acc, false, r);
        }
        if (r < 0) {
            c.cr2 = va;
            throw c.fault(14, (int) -r - 1, va);
        }
        return r;
    }

    /** For host-side access (GuestMemory): returns the physical address or throws MemoryFault. */
    static long walkOrFault(Cpu c, long va, int acc) throws MemoryFault {
        if (!canonical(va)) {
            throw new MemoryFault(va, 0);
        }
        long r = walk(c.mem, c.cr3, va, acc, false, true, (c.efer & 0x800) != 0, false);
        if (r < 0) {
            r = overlay(c, va, acc, false, r);
        }
        if (r < 0) {
            throw new MemoryFault(va, (int) -r - 1);
        }
        return r;
    }

    /**
     * Where the guest's tables map nothing ({@code fault} without its present bit), the machine's
     * {@link HostTextArea} may: its translation, else {@code fault} unchanged.
     */
    private static long overlay(Cpu c, long va, int acc, boolean user, long fault) {
        HostTextArea area = c.phys.hostText;
        if (area == null || !area.contains(va) || ((-fault - 1) & 1) != 0) {
            return fault;
        }
        return area.translate(va, acc, user, (c.efer & 0x800) != 0);
    }

    /** Returns the physical address in RAM, or {@code -(errorCode + 1)} for a page fault. */
    static long walk(byte[] mem, long cr3, long va, int acc, boolean user, boolean wp, boolean nxe, boolean setAd) {
        return walk(mem, cr3, va, acc, user, wp, nxe, setAd, false);
    }

    /**
     * Returns the physical address, or {@code -(errorCode + 1)} for a page fault; with {@code mmio}
     * an address past the end of RAM (below {@link #PHYS_LIMIT}) is returned for the caller's
     * memory-mapped I/O, else it faults as a reserved-bit violation.
     */
    static long walk(byte[] mem, long cr3, long va, int acc, boolean user, boolean wp, boolean nxe, boolean setAd,
            boolean mmio) {
        int err = (acc == Cpu.ACC_WRITE ? 2 : 0) | (user ? 4 : 0) | (acc == Cpu.ACC_FETCH && nxe ? 16 : 0);
        long table = cr3 & ADDR;
        boolean writable = true, userOk = true, exec = true;
        for (int level = 3; level >= 0; level--) {
            int shift = 12 + 9 * level;
            long entryPa = table + (((va >>> shift) & 0x1ff) << 3);
            if (entryPa + 8 > mem.length) { // page tables outside RAM: treated as reserved
                return -(err | 8) - 1;
            }
            long e = (long) Cpu.I64.get(mem, (int) entryPa);
            if ((e & P) == 0) {
                return -err - 1;
            }
            if ((!nxe && (e & NX) != 0) || (level == 3 && (e & PS) != 0)) {
                return -(err | 1 | 8) - 1;
            }
            writable &= (e & RW) != 0;
            userOk &= (e & US) != 0;
            exec &= (e & NX) == 0;
            boolean leaf = level == 0 || (e & PS) != 0;
            if (leaf) {
                long pageMask = (1L << shift) - 1;
                if (level > 0 && (e & ((pageMask & ~0x1fffL))) != 0) { // reserved bits of a large-page entry
                    return -(err | 1 | 8) - 1;
                }
                if (user && !userOk) {
                    return -(err | 1) - 1;
                }
                if (acc == Cpu.ACC_WRITE && !writable && (user || wp)) {
                    return -(err | 1) - 1;
                }
                if (acc == Cpu.ACC_FETCH && nxe && !exec) {
                    return -(err | 1) - 1;
                }
                long pa = (e & ADDR & ~pageMask) | (va & pageMask);
                if (pa >= mem.length && (!mmio || pa >= PHYS_LIMIT)) {
                    return -(err | 1 | 8) - 1;
                }
                if (setAd) {
                    long ne = e | A | (acc == Cpu.ACC_WRITE ? D : 0);
                    if (ne != e) {
                        Cpu.I64.set(mem, (int) entryPa, ne);
                    }
                }
                return pa;
            }
            if (setAd && (e & A) == 0) {
                Cpu.I64.set(mem, (int) entryPa, e | A);
            }
            table = e & ADDR;
        }
        throw new AssertionError();
    }
}
