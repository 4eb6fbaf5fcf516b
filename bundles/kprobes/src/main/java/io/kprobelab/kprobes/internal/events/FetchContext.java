package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.SymbolTable;

/**
 * What a fetch argument reads at a probe hit: the trapped registers, guest memory, kallsyms, the
 * current task, and, for a return probe, the values its entry handler captured. Implemented by
 * the caller for each hit; only valid on the vCPU thread while the hit is being handled.
 */
public interface FetchContext {

    /** The registers at the probe hit ({@code struct pt_regs}). */
    PtRegs regs();

    /** The running kernel's THREAD_SIZE (0 when it has no task stacks: bare mode). */
    default long threadSize() {
        return 16 * 1024;
    }

    /** Kernel memory as the probe handler sees it; a {@code MemoryFault} prints as the kernel's fault result. */
    GuestMemory memory();

    /**
     * User memory of the current task, for {@code ustring} and {@code +u} dereferences. Addresses at
     * or above {@code TASK_SIZE_MAX} are refused before this is asked, as {@code access_ok} does.
     */
    default GuestMemory userMemory() {
        return memory();
    }

    /** kallsyms, for the {@code symbol} and {@code symstr} types. */
    SymbolTable symbols();

    /** The current task's {@code comm} (at most 15 characters in the kernel). */
    CharSequence comm();

    /** {@code orig_ax} of the trap frame: -1 for the int3 and debug traps a probe hit comes from. */
    default long origAx() {
        return -1L;
    }

    /**
     * For a return probe: the value its entry handler stored in {@code slot} (see
     * {@link ProbeEvent#captureEntryData}); 0 when nothing was captured.
     */
    default long entryData(int slot) {
        return 0;
    }
}
