package io.kprobelab.machine.internal;

import io.kprobelab.x86.Decoder;

/**
 * Base of every SSE/SSE2 op: the checks each one makes before it touches any state.
 *
 * <p>Availability (SDM Vol. 3A §2.5 and §13.1, Table 13-1): #UD when CR0.EM is set or
 * CR4.OSFXSR is clear (an OS that has not enabled SSE, like the guest kernel), else #NM when
 * CR0.TS is set (lazy FPU switching). The guest kernel never sets OSFXSR, so in it every SSE
 * instruction still raises #UD naming its bytes; bare mode sets it, as Linux does.
 *
 * <p>Alignment (SDM Vol. 3A §13.1.4; Vol. 2A, exception types 1 and 4): a 128-bit memory
 * operand of a legacy-encoded SSE instruction must be 16-byte aligned, else #GP(0) (not #SS,
 * even on the stack), checked before any page fault. Only the explicitly unaligned moves
 * (MOVUPS, MOVUPD, MOVDQU) and the forms with narrower memory operands (MOVD, MOVQ, MOVSS,
 * MOVSD, MOVLPS, MOVHPS, PINSRW...) skip it.
 *
 * <p>SSE ops never read RFLAGS and only the COMISS family writes it, but each may fault, so
 * flags stay live before it.
 */
abstract class SseOp extends Op {

    /** The instruction's bytes, decoded again for the message only when it raises #UD. */
    byte[] bytes;

    /** None but COMISS and friends write RFLAGS; all may fault. */
    @Override
    int flagEffects() {
        return MAY_FAULT;
    }

    /** Raises #UD or #NM when SSE is not usable now; first thing in every {@code exec}. */
    final void check(Cpu c) {
        if ((c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0 || (c.cr4 & Cpu.CR4_OSFXSR) == 0) {
            throw unavailable(c);
        }
    }

    private CpuException unavailable(Cpu c) {
        String why = (c.cr0 & Cpu.CR0_EM) != 0 ? "CR0.EM=1" : (c.cr4 & Cpu.CR4_OSFXSR) == 0 ? "CR4.OSFXSR=0" : null;
        if (why == null) {
            return c.fault(7, -1, rip); // #NM: EM=0, OSFXSR=1, TS=1
        }
        CpuException e = c.fault(6, -1, rip);
        c.evMessage = Translator.undefinedMessage(Decoder.decode(bytes, 0, bytes.length, rip))
                + ": SSE not enabled (" + why + ")";
        return e;
    }

    /** The address of a 16-byte operand; #GP(0) if misaligned and {@code aligned} is required. */
    static long address16(Cpu c, Opnd m, boolean aligned) {
        long a = m.ea(c);
        if (aligned && (a & 15) != 0) {
            throw c.gp(0);
        }
        return a;
    }

    /**
     * Reads an {@code xmm/m128} source (XMM {@code s}, or the aligned 16 bytes at {@code m} when
     * it is not null) into {@link Cpu#srcLo} and {@link Cpu#srcHi}: both halves before any
     * destination changes, so a fault on the second half leaves nothing written.
     */
    static void source(Cpu c, int s, Opnd m) {
        if (m == null) {
            c.srcLo = c.xmm[s];
            c.srcHi = c.xmm[s + 1];
        } else {
            long a = address16(c, m, true);
            c.srcLo = c.rd64(a);
            c.srcHi = c.rd64(a + 8);
        }
    }

    /** dst = f(dst, src) on each 64-bit half on its own (every lane is inside one half). */
    @FunctionalInterface
    interface Half {
        long apply(long dst, long src);
    }

    /** An operation across the halves: reads {@code x[d]}, {@code x[d + 1]} and the source, writes the destination. */
    @FunctionalInterface
    interface Whole {
        void apply(long[] x, int d, long lo, long hi);
    }

    /** As {@link Whole}, with the instruction's imm8 (shuffles). */
    @FunctionalInterface
    interface WholeImm {
        void apply(long[] x, int d, long lo, long hi, int imm);
    }
}
