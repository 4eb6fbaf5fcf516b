package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.x86.Insn;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The arch's data for one probe point ({@code struct arch_specific_insn}): the decoded original
 * instruction, where its copy lives, and how {@code resume_execution} must fix up after it.
 *
 * @param insn     the original instruction, decoded at the probe address
 * @param slot     guest address of the out-of-line copy
 * @param fixup    the post-step fix-up
 * @param modifiesIf whether it changes IF ({@code cli}, {@code sti}, {@code popf}, {@code iret}):
 *                 then IF is not restored after the step
 * @param boostable the kprobe-booster's tri-state ({@code ainsn.boostable}): {@link #NEVER},
 *                 {@link #CANDIDATE} until the first step decides, {@link #BOOSTED} once the copy
 *                 ends with a jump back (or leaves by itself) and can run without the step
 */
record ArchInsn(Insn insn, long slot, Fixup fixup, boolean modifiesIf, AtomicInteger boostable) {

    static final int NEVER = -1;
    static final int CANDIDATE = 0;
    static final int BOOSTED = 1;

    /** The fix-ups of {@code resume_execution} (reference section 2.3). */
    enum Fixup {
        /** RIP relative to the copy: move it back to the original ({@code orig + (rip - copy)}). */
        RELOCATE_IP,
        /** {@code pushf}: clear TF and IF in the pushed image and OR in the old flags. */
        PUSHF,
        /** {@code ret}, {@code lret}, {@code iret}: RIP came from the stack, already right. */
        IP_ALREADY_RIGHT,
        /** {@code call rel32}: fix the pushed return address, then relocate RIP. */
        CALL_RELATIVE,
        /** {@code call} indirect: fix the pushed return address; RIP is the target, already right. */
        CALL_INDIRECT,
        /** {@code jmp} indirect: RIP is the target, already right. */
        JMP_INDIRECT,
        /**
         * The guest's own {@code int3} is there (its kprobes, or an int3 in its code): nothing is
         * stepped; after the handlers the #BP goes on to the guest, as if ours were not there.
         */
        GUEST_BREAKPOINT
    }
}
