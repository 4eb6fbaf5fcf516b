package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import java.util.Optional;

/**
 * Finds the guest task a kretprobe instance belongs to, the two ways of 2005. On the guest
 * kernel: by masking a kernel stack address with THREAD_SIZE and reading the task pointer at the
 * stack base ({@code arch_get_kprobe_task}, the first design), or by reading the per-CPU
 * {@code current_task} through GS ({@code current}, 2.6.13). In bare mode there is one implicit
 * task, {@link #BARE_TASK}.
 */
final class TaskFinder {

    /** Kernel stack size and alignment of the guest kernel (DESIGN.md section 5). */
    static final long THREAD_SIZE = 16 * 1024;
    /** The one task of bare mode. */
    static final long BARE_TASK = 0;

    private final long currentTaskOffset;
    private final boolean guestKernel;

    /** Where the guest kernel keeps {@code current} in its per-CPU area (bundles/guest/BOOT.md). */
    static final long GUEST_PCPU_CURRENT = 8;

    TaskFinder(Machine machine) {
        // A Linux-style per-CPU variable (its symbol is the offset from GS_BASE), or the guest
        // kernel's per-CPU area, which GS_BASE points at in ring 0.
        Optional<Symbol> ct = machine.symbols().lookup("current_task");
        Optional<Symbol> pcpu = machine.symbols().lookup("pcpu_area");
        this.guestKernel = ct.isPresent() || pcpu.isPresent();
        this.currentTaskOffset = ct.map(Symbol::address).orElse(GUEST_PCPU_CURRENT);
    }

    /** {@code arch_get_kprobe_task}: the task owning the kernel stack that holds {@code stackAddr}. */
    long fromStack(GuestMemory mem, long stackAddr) {
        if (!guestKernel) {
            return BARE_TASK;
        }
        try {
            return mem.readU64(stackAddr & ~(THREAD_SIZE - 1));
        } catch (MemoryFault e) {
            return BARE_TASK;
        }
    }

    /** {@code current}: the per-CPU {@code current_task}, read through GS. */
    long current(GuestMemory mem, PtRegs regs) {
        if (!guestKernel) {
            return BARE_TASK;
        }
        try {
            return mem.readU64(regs.get(Reg.GS_BASE) + currentTaskOffset);
        } catch (MemoryFault e) {
            return BARE_TASK;
        }
    }
}
