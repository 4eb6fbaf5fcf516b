package io.kprobelab.machine.internal;

/**
 * Hidden text patches of one physical page: bytes that only instruction fetches see. The page's
 * memory keeps the guest's own bytes, so the guest's reads (ftrace and jump labels verifying the
 * bytes they expect, its kprobes copying an instruction) and its writes (text_poke) never meet the
 * host's breakpoints; fetches decode from {@link #view}, the page with the patches laid over it.
 * The same approach as DRAKVUF's shadow pages and QEMU's gdbstub under TCG.
 */
final class TextPatch {

    /** The patched bytes' values, which bytes are patched, and which are watched (patched or not). */
    final byte[] value = new byte[4096];
    final long[] mask = new long[64];
    final long[] watched = new long[64];
    /** Kernel virtual address of the page when the host patched it (for text-write reports). */
    final long va;
    int count;
    /** The fetch view, rebuilt when stale. */
    private byte[] view;
    private boolean stale = true;

    TextPatch(long va) {
        this.va = va;
    }

    boolean patched(int off) {
        return (mask[off >>> 6] & (1L << off)) != 0;
    }

    void set(int off, byte b) {
        if (!patched(off)) {
            mask[off >>> 6] |= 1L << off;
            count++;
        }
        watch(off);
        value[off] = b;
        stale = true;
    }

    void watch(int off) {
        watched[off >>> 6] |= 1L << off;
    }

    /** Drops the patch and the watch of one byte. */
    void clear(int off) {
        if (patched(off)) {
            mask[off >>> 6] &= ~(1L << off);
            count--;
            stale = true;
        }
        watched[off >>> 6] &= ~(1L << off);
    }

    boolean empty() {
        for (long w : watched) {
            if (w != 0) {
                return false;
            }
        }
        return count == 0;
    }

    /** True when a write of {@code len} bytes at page offset {@code off} covers a watched byte. */
    boolean overlaps(int off, int len) {
        for (int i = off; i < Math.min(4096, off + len); i++) {
            if ((watched[i >>> 6] & (1L << i)) != 0) {
                return true;
            }
        }
        return false;
    }

    void markStale() {
        stale = true;
    }

    /** The bytes a fetch sees: page {@code base} of {@code mem} with the patches laid over it. */
    byte[] view(byte[] mem, int base) {
        if (stale || view == null) {
            byte[] v = view == null ? new byte[4096] : view;
            System.arraycopy(mem, base, v, 0, 4096);
            for (int w = 0; w < 64; w++) {
                long m = mask[w];
                while (m != 0) {
                    int bit = Long.numberOfTrailingZeros(m);
                    int off = w * 64 + bit;
                    v[off] = value[off];
                    m &= m - 1;
                }
            }
            view = v;
            stale = false;
        }
        return view;
    }
}
