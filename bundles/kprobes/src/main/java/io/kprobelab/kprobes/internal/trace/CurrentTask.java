package io.kprobelab.kprobes.internal.trace;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import java.util.List;

/**
 * {@code current}: the guest task a probe hit happened in, read from guest memory with the layout
 * the guest kernel guarantees (bundles/guest/BOOT.md section 5): the per-CPU area
 * {@code pcpu_area} holds {@code current_task} at 0x08 (through GS in ring 0), a
 * {@code task_struct} holds the pid (s32) at 0x04 and {@code comm[16]} at 0x28. In bare mode (no
 * {@code pcpu_area}) or before the first task exists, the hit is in the idle task: pid 0, comm
 * {@code swapper}, which the trace prints as {@code <idle>-0} as the kernel does for pid 0.
 */
public final class CurrentTask {

    static final long PCPU_CURRENT_TASK = 0x08;
    static final long TASK_PID = 0x04;
    static final long TASK_COMM = 0x28;
    /** {@code TASK_COMM_LEN}. */
    static final int TASK_COMM_LEN = 16;
    /** The idle task's name in the guest ({@code init_task}). */
    static final String IDLE_COMM = "swapper";

    private final Machine machine;
    /** The symbol list {@link #pcpuArea} was resolved from: a new image means a new lookup. */
    private volatile List<Symbol> resolvedFrom;
    private volatile long pcpuArea;

    public CurrentTask(Machine machine) {
        this.machine = machine;
    }

    /**
     * Reads the current task at a hit: appends its {@code comm} to {@code comm} and returns its pid.
     * Allocates nothing.
     */
    public int read(PtRegs regs, GuestMemory mem, StringBuilder comm) {
        long area = pcpuArea();
        if (area != 0) {
            try {
                long gs = regs.get(Reg.GS_BASE);
                long task = mem.readU64((gs != 0 ? gs : area) + PCPU_CURRENT_TASK);
                if (task != 0) {
                    int pid = (int) (mem.readU64(task + TASK_PID) & 0xffff_ffffL);
                    for (int i = 0; i < TASK_COMM_LEN - 1; i++) {
                        int c = mem.readU8(task + TASK_COMM + i);
                        if (c == 0) {
                            break;
                        }
                        comm.append((char) c);
                    }
                    return pid;
                }
            } catch (MemoryFault e) {
                // fall through: treat as the idle task
            }
        }
        comm.setLength(0);
        comm.append(IDLE_COMM);
        return 0;
    }

    private long pcpuArea() {
        List<Symbol> all = machine.symbols().all();
        if (all != resolvedFrom) {
            long a = 0;
            for (Symbol s : all) {
                if (s.name().equals("pcpu_area")) {
                    a = s.address();
                    break;
                }
            }
            pcpuArea = a;
            resolvedFrom = all;
        }
        return pcpuArea;
    }
}
