package io.kprobelab.kprobes.spi;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the generic core offers the arch code: the probe table, the arch's own probes (the
 * kretprobe trampoline's), and the kretprobe instance table ({@code kretprobe_inst_table}).
 * Methods used on the trap path never block for long and do not allocate.
 */
@ProviderType
public interface KprobesCore {

    /** The machine the probes live in. */
    Machine machine();

    /** The running generation. */
    Generation generation();

    /**
     * Whether the guest kernel is preemptible ({@code CONFIG_PREEMPT}): a task may then be
     * switched out anywhere, also between a boosted copy and its jump back, so the kprobe-booster
     * stays off.
     */
    boolean preemptible();

    /** {@code get_kprobe}: the probe point at {@code addr}, or null. Lock-free. */
    ProbePoint getKprobe(long addr);

    /**
     * Registers a probe owned by the arch code itself, such as {@code trampoline_p} on the
     * kretprobe trampoline in the 2005 designs. It is armed at once and not shown in
     * {@code kprobes/list}.
     */
    ProbePoint registerArchProbe(long addr, ArchProbeHandlers handlers) throws KprobeException;

    /** Unregisters an arch probe. */
    void unregisterArchProbe(ProbePoint p);

    /** Visits kretprobe instances; return false to stop the walk. */
    @FunctionalInterface
    interface InstanceVisitor {
        /** @return true to go on to the next (older) instance */
        boolean visit(RetprobeSlot ri);
    }

    /**
     * Walks the in-flight instances of {@code task}, newest first (its bucket of
     * {@code kretprobe_inst_table}, other tasks skipped), holding the table's lock as the kernel
     * holds {@code kprobe_lock}. The visitor may recycle the instance it is given.
     */
    void walkKretprobeInstances(long task, InstanceVisitor visitor);

    /**
     * Runs the instance's return handler unless it is an orphan ({@code rp} unregistered). A
     * handler that throws is caught, logged and its kretprobe shut off.
     */
    void callKretprobeHandler(RetprobeSlot ri, PtRegs regs);

    /**
     * {@code recycle_rp_inst}: takes the instance off the table and returns it to its
     * kretprobe's free list, or drops it if it is an orphan.
     */
    void recycleKretprobeInstance(RetprobeSlot ri);

    /** Counts a trap the return of {@code ri}'s call caused (at the trampoline) against its kretprobe. */
    void countReturnTrap(RetprobeSlot ri, int vector);

    /**
     * The arch can no longer run probe point {@code p} (the guest rewrote the instruction under
     * it into one that cannot be stepped): every probe there is shut off, marked with
     * {@code why}, as a probe whose handler failed is. Callable on the vCPU thread.
     */
    void disableFromArch(ProbePoint p, String why);

    /**
     * {@code kprobe_flush_task}: recycles every instance of a task that is exiting. In the 2005
     * design the saved return addresses are first written back to their stack slots.
     */
    void flushTask(long task);
}
