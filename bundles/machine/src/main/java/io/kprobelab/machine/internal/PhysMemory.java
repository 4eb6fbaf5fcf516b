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
    /** The host text area of the booted kernel, or null (bare mode, the KprobeLab guest). */
    volatile HostTextArea hostText;
    /** Bump allocator for frames (page tables, segments, stacks), in bytes from 0. */
    private long nextFrame = 0x100000;

    PhysMemory(int bytes) {
        mem = new byte[bytes];
        code = new CodePage[bytes >>> 12];
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
        CodePage cp = code[(int) ppn];
        if (cp == null) {
            return;
        }
        code[(int) ppn] = null;
        for (Block b : cp.all) {
            b.valid = false;
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
