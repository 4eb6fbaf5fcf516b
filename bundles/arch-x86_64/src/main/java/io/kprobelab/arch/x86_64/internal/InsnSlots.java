package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.spi.BlacklistRange;
import io.kprobelab.machine.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * Executable pages of instruction slots near the kernel text ({@code get_insn_slot} /
 * {@code free_insn_slot}). A slot holds one copied instruction; it is {@value #SLOT_SIZE} bytes,
 * so every x86 instruction (at most 15 bytes) fits. Pages come from the machine's
 * {@code module_alloc} equivalent, within +-2 GB of the text so RIP-relative operands can be
 * relocated.
 *
 * <p>A freed slot is not reused at once: a vCPU may still be stepping in it, or running a boosted
 * copy. It becomes free again when a collection finds no CPU using it
 * ({@code collect_garbage_slots}).
 */
final class InsnSlots {

    static final int SLOT_SIZE = 16;
    static final int PAGE_SIZE = 4096;
    static final int SLOTS_PER_PAGE = PAGE_SIZE / SLOT_SIZE;

    private final Machine machine;
    private final long near;
    private final List<long[]> pages = new ArrayList<>(); // {base, usedBitsLow..} -> simple arrays below
    private final List<boolean[]> used = new ArrayList<>();
    private final List<Long> dirty = new ArrayList<>();

    InsnSlots(Machine machine, long near) {
        this.machine = machine;
        this.near = near;
    }

    /**
     * {@code collect_garbage_slots}: frees the dirty slots no CPU can still execute in
     * ({@code inUse} tells). Call it while every vCPU is parked, so that answer holds.
     */
    synchronized void collect(java.util.function.LongPredicate inUse) {
        dirty.removeIf(s -> {
            if (inUse.test(s)) {
                return false;
            }
            markFree(s);
            return true;
        });
    }

    /** Whether some freed slot waits for {@link #collect}. */
    synchronized boolean hasDirty() {
        return !dirty.isEmpty();
    }

    /** {@code get_insn_slot}: a free slot, on a new page when none is left. */
    synchronized long allocate() throws KprobeException {
        for (int p = 0; p < pages.size(); p++) {
            boolean[] u = used.get(p);
            for (int i = 0; i < SLOTS_PER_PAGE; i++) {
                if (!u[i]) {
                    u[i] = true;
                    return pages.get(p)[0] + (long) i * SLOT_SIZE;
                }
            }
        }
        long base;
        try {
            base = machine.allocateKernelText(near, 1);
        } catch (RuntimeException e) {
            throw new KprobeException(Errno.ENOMEM, "no page for instruction slots: " + e.getMessage());
        }
        pages.add(new long[] {base});
        boolean[] u = new boolean[SLOTS_PER_PAGE];
        u[0] = true;
        used.add(u);
        return base;
    }

    /** {@code free_insn_slot} with {@code dirty = 1}: reusable once no CPU can be in it. */
    synchronized void free(long slot) {
        dirty.add(slot);
    }

    /** True if {@code addr} is inside a slot page. */
    synchronized boolean contains(long addr) {
        for (long[] p : pages) {
            if (Long.compareUnsigned(addr - p[0], PAGE_SIZE) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The slot pages, for the blacklist. */
    synchronized List<BlacklistRange> ranges() {
        List<BlacklistRange> out = new ArrayList<>();
        for (long[] p : pages) {
            out.add(new BlacklistRange(p[0], p[0] + PAGE_SIZE, "kprobe_insn_page"));
        }
        return out;
    }

    private void markFree(long slot) {
        for (int p = 0; p < pages.size(); p++) {
            long base = pages.get(p)[0];
            if (Long.compareUnsigned(slot - base, PAGE_SIZE) < 0) {
                used.get(p)[(int) ((slot - base) / SLOT_SIZE)] = false;
                return;
            }
        }
    }
}
