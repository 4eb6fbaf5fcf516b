package io.kprobelab.kprobes.spi;

import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One probed address as the arch code sees it: the hashed {@code struct kprobe} (which may be an
 * aggregate of several user probes). The arch stores its copy of the instruction here and calls
 * the handlers through it.
 */
@ProviderType
public interface ProbePoint {

    /** The probed address. */
    long addr();

    /** The original byte the breakpoint replaced ({@code p->opcode}). */
    int opcode();

    /** Saves the original byte (by {@code arch_prepare_kprobe}). */
    void setOpcode(int opcode);

    /** The arch's private data for this probe ({@code p->ainsn}), e.g. the slot. */
    Object archData();

    /** Sets the arch's private data. */
    void setArchData(Object data);

    /** True if any probe here has a post-handler (a boost or jump optimisation must not skip it). */
    boolean hasPostHandler();

    /**
     * Runs the pre-handlers of every enabled probe here, in kernel order ({@code aggr_pre_handler}).
     * A handler that throws is caught: its probe is shut off ({@code GONE}) and the error recorded.
     *
     * @return non-zero if a handler asked to skip the single-step
     */
    int runPreHandlers(PtRegs regs);

    /** Runs the post-handlers ({@code aggr_post_handler}). */
    void runPostHandlers(PtRegs regs);

    /** Counts a hit that ran no handler because another probe was active ({@code kprobes_inc_nmissed_count}). */
    void incMissed();

    /** Counts a trap (#BP, #DB, ...) this probe point caused, for per-probe accounting. */
    void countTrap(int vector);
}
