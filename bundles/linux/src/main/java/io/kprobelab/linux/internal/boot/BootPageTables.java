package io.kprobelab.linux.internal.boot;

import io.kprobelab.machine.PhysicalMemory;

/**
 * 4-level page tables with 2 MiB pages, built in a reserved area of low memory: the identity map
 * the 64-bit boot protocol asks for (the kernel runs {@code startup_64} at its physical address
 * until it switches to its own {@code early_top_pgt}), plus the kernel's text map
 * ({@code __START_KERNEL_map} + physical), so that the host can read kernel symbols through the
 * entry page tables before the first instruction runs. Both mappings are read/write/execute.
 */
final class BootPageTables {

    static final long P = 1, RW = 2, PS = 0x80, ADDR = 0x000ffffffffff000L, PAGE_2M = 0x200000;

    private final PhysicalMemory pm;
    private final long pml4;
    private final long limit;
    private long next;

    /** Tables from {@code base} (the PML4) up to, not including, {@code limit}. */
    BootPageTables(PhysicalMemory pm, long base, long limit) {
        this.pm = pm;
        this.pml4 = base;
        this.limit = limit;
        this.next = base + 0x1000;
        pm.zero(base, 0x1000);
    }

    long pml4() {
        return pml4;
    }

    /** Maps [va, va + len) to [pa, pa + len) with 2 MiB pages; all three must be 2 MiB aligned. */
    void map(long va, long pa, long len) {
        if (((va | pa | len) & (PAGE_2M - 1)) != 0) {
            throw new IllegalArgumentException("2 MiB mappings need 2 MiB alignment");
        }
        for (long off = 0; off < len; off += PAGE_2M) {
            long pd = table(va + off);
            pm.writeU64(pd + (((va + off) >>> 21) & 0x1ff) * 8, (pa + off) | P | RW | PS);
        }
    }

    /** The page directory covering {@code va}, creating the PDPT and PD as needed. */
    private long table(long va) {
        long t = pml4;
        for (int level = 3; level >= 2; level--) {
            long slot = t + ((va >>> (12 + 9 * level)) & 0x1ff) * 8;
            long e = pm.readU64(slot);
            if ((e & P) == 0) {
                if (next + 0x1000 > limit) {
                    throw new IllegalStateException("boot page-table area full at 0x" + Long.toHexString(limit));
                }
                pm.zero(next, 0x1000);
                e = next | P | RW;
                next += 0x1000;
                pm.writeU64(slot, e);
            }
            t = e & ADDR;
        }
        return t;
    }

    /** One past the last table used. */
    long end() {
        return next;
    }
}
