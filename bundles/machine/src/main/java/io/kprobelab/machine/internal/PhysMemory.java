package io.kprobelab.machine.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Guest physical memory: one flat little-endian byte array, plus the record of which physical
 * pages hold decoded instructions so that writes to them invalidate those instructions.
 */
final class PhysMemory {

    final byte[] mem;
    /** Per physical page: the decoded blocks touching it, or null when none. */
    final CodePage[] code;
    /** The vCPUs whose TLBs must forget write access to pages that become code. */
    final List<Cpu> cpus = new CopyOnWriteArrayList<>();
    /**
     * Host functions by guest virtual address (kernel text, the same in every address space):
     * replaced as a whole when one is added, read by the translator.
     */
    volatile java.util.Map<Long, io.kprobelab.machine.HostFunction> hostFunctions = java.util.Map.of();
    /** Host execution hooks by guest virtual address (kernel text), replaced as a whole on change. */
    volatile java.util.Map<Long, io.kprobelab.machine.ExecutionHook[]> executionHooks = java.util.Map.of();

    /** Hidden text patches by physical page number, null where none ({@link TextPatch}). */
    final TextPatch[] patches;
    /** Guest writes that changed bytes under a text patch, not yet reported: {va, len} pairs. */
    final java.util.ArrayDeque<long[]> textWrites = new java.util.ArrayDeque<>();

    /** The host text area of the booted kernel, or null (bare mode, the KprobeLab guest). */
    volatile HostTextArea hostText;
    /** Bump allocator for frames (page tables, segments, stacks), in bytes from 0. */
    private long nextFrame = 0x100000;

    PhysMemory(int bytes) {
        mem = new byte[bytes];
        code = new CodePage[bytes >>> 12];
        patches = new TextPatch[bytes >>> 12];
    }

    long size() {
        return mem.length;
    }

    /** A zeroed 4 KiB frame. */
    long allocFrame() {
        if (nextFrame + 4096 > mem.length) {
            throw new IllegalStateException("guest physical memory exhausted (" + (mem.length >> 20) + " MiB)");
        }
        long f = nextFrame;
        nextFrame += 4096;
        java.util.Arrays.fill(mem, (int) f, (int) f + 4096, (byte) 0);
        return f;
    }

    /** Set when guest code ran: it may have written anywhere its page tables reach. */
    volatile boolean guestRan;

    /** Forgets every frame and every decoded block (a fresh load); memory reads as zero again. */
    void reset() {
        clearPatches();
        for (int i = 0; i < code.length; i++) {
            if (code[i] != null) {
                invalidate(i);
            }
        }
        // Frames are only handed out below nextFrame; a guest that ran may have written elsewhere.
        java.util.Arrays.fill(mem, 0, guestRan ? mem.length : (int) nextFrame, (byte) 0);
        guestRan = false;
        nextFrame = 0x100000;
    }

    /** Hands frames out from 1 MiB again without clearing memory (a kernel boot; its loader owns the contents). */
    void rewindFrames() {
        clearPatches();
        nextFrame = 0x100000;
        guestRan = true;
    }

    /** The code page record for {@code ppn}, created (and write translations dropped) on first use. */
    CodePage codePage(long ppn) {
        CodePage cp = code[(int) ppn];
        if (cp == null) {
            cp = new CodePage();
            code[(int) ppn] = cp;
            for (Cpu c : cpus) {
                c.dropWritable(ppn);
            }
        }
        return cp;
    }

    /** A write reached a page with decoded code: drop all of it, so the next fetch decodes afresh. */
    void invalidate(long ppn) {
        TextPatch tp = patches[(int) ppn];
        if (tp != null) {
            tp.markStale(); // the page's bytes may have changed under its patches
        }
        CodePage cp = code[(int) ppn];
        if (cp == null) {
            return;
        }
        code[(int) ppn] = null;
        for (Block b : cp.all) {
            b.valid = false;
        }
    }

    // ------------------------------------------------------------------ hidden text patches

    /** Lays {@code b} over physical {@code pa} for instruction fetches only; {@code va} names it. */
    void patch(long pa, long va, byte b) {
        page(pa, va).set((int) (pa & 0xfff), b);
        invalidate(pa >>> 12);
    }

    /** Reports guest writes to physical {@code pa} without changing what fetches see. */
    void watch(long pa, long va) {
        page(pa, va).watch((int) (pa & 0xfff));
    }

    private TextPatch page(long pa, long va) {
        int ppn = (int) (pa >>> 12);
        TextPatch tp = patches[ppn];
        if (tp == null) {
            tp = new TextPatch(va & ~0xfffL);
            patches[ppn] = tp;
            for (Cpu c : cpus) {
                c.dropWritable(ppn); // guest writes to the page must come through the slow path
            }
        }
        return tp;
    }

    /** Removes the patch and the watch of physical {@code pa}: fetches see the guest's byte again. */
    void unpatch(long pa) {
        int ppn = (int) (pa >>> 12);
        TextPatch tp = patches[ppn];
        if (tp == null) {
            return;
        }
        tp.clear((int) (pa & 0xfff));
        if (tp.empty()) {
            patches[ppn] = null;
        }
        invalidate(ppn);
    }

    private void clearPatches() {
        java.util.Arrays.fill(patches, null);
        textWrites.clear();
    }

    /**
     * A guest write of {@code len} bytes at physical {@code pa}, on a page with patches: the fetch
     * view is rebuilt, decoded code dropped, and a write under a patched byte is queued for the
     * machine's text-write listeners. Returns true when it queued one.
     */
    boolean guestWroteText(long pa, int len) {
        int ppn = (int) (pa >>> 12);
        TextPatch tp = patches[ppn];
        if (tp == null) {
            return false;
        }
        tp.markStale();
        invalidate(ppn);
        int off = (int) (pa & 0xfff);
        if (tp.overlaps(off, len)) {
            textWrites.add(new long[] {tp.va + off, Math.min(len, 4096 - off)});
            return true;
        }
        return false;
    }

    /** The bytes a fetch sees of the page holding {@code pa}: its view when patched, else null. */
    byte[] fetchView(int pa) {
        TextPatch tp = patches[pa >>> 12];
        return tp == null ? null : tp.view(mem, pa & ~0xfff);
    }

    /** Copies {@code n} bytes at {@code pa} (within one page) as a fetch sees them. */
    void fetch(int pa, byte[] dst, int off, int n) {
        byte[] view = fetchView(pa);
        if (view == null) {
            System.arraycopy(mem, pa, dst, off, n);
        } else {
            System.arraycopy(view, pa & 0xfff, dst, off, n);
        }
    }

    /** Invalidates decoded code on every page of the physical range. */
    void invalidateRange(long pa, int len) {
        for (long p = pa >>> 12; p <= (pa + Math.max(len, 1) - 1) >>> 12; p++) {
            if (p < code.length) {
                invalidate(p);
            }
        }
    }
}
