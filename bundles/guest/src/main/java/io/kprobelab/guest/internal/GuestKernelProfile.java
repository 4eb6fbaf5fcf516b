package io.kprobelab.guest.internal;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.machine.kernel.SymbolKernelProfile;
import java.util.Optional;

/**
 * The KprobeLab guest kernel's profile, from the layout BOOT.md section 5 guarantees: 16 KiB
 * kernel stacks, THREAD_SIZE-aligned, with the owning task's pointer at the stack base (what the
 * seed masks the stack pointer to find); {@code current_task} at 0x08 of the per-CPU area that
 * GS_BASE points at in ring 0 ({@code pcpu_area}); a task's pid (s32) at 0x04 and {@code comm[16]}
 * at 0x28; exited tasks freed in {@code release_task}.
 */
public final class GuestKernelProfile extends SymbolKernelProfile {

    static final long THREAD_SIZE = 16 * 1024, PCPU_CURRENT = 0x08;

    private volatile long pcpuArea = -1;

    public GuestKernelProfile(Machine machine) {
        super("KprobeLab guest", machine);
    }

    @Override
    public long threadSize() {
        return THREAD_SIZE;
    }

    @Override
    public long current(Vcpu cpu) {
        long gs = cpu.regs().get(Reg.GS_BASE);
        long pcpu = pcpuArea;
        if (pcpu < 0) {
            pcpuArea = pcpu = address("pcpu_area");
        }
        long area = gs != 0 ? gs : pcpu;
        if (area == 0) {
            return 0;
        }
        try {
            return cpu.memory().readU64(area + PCPU_CURRENT);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    @Override
    public long taskOfStack(Vcpu cpu, long address) {
        try {
            return cpu.memory().readU64(address & -THREAD_SIZE);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    @Override
    public int pid(GuestMemory memory, long task) {
        if (task == 0) {
            return 0;
        }
        try {
            return (int) memory.readU64(task + KernelView.PID);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    @Override
    public void appendComm(GuestMemory memory, long task, StringBuilder out) {
        if (task == 0) {
            out.append(IDLE_COMM);
            return;
        }
        appendString(memory, task + KernelView.COMM, KernelView.COMM_LEN, out);
    }

    @Override
    public Optional<String> taskReleaseFunction() {
        return Optional.of("release_task");
    }
}
