package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Vcpu;

/**
 * Finds the guest task a kretprobe instance belongs to, the two ways of 2005, through the running
 * kernel's profile ({@link Machine#kernelProfile}): the task owning the kernel stack that holds
 * the return address's slot ({@code arch_get_kprobe_task}, the first design: the seed masks the
 * stack pointer with THREAD_SIZE and reads thread_info at the stack base; on Linux 6.1, where
 * thread_info moved into task_struct, it is the task whose {@code task->stack} is that base), or
 * {@code current} (2.6.13). 0 means no task (bare mode's one implicit task, or a stack no task
 * owns, such as an interrupt stack).
 */
final class TaskFinder {

    /** The one task of bare mode. */
    static final long BARE_TASK = 0;

    private final Machine machine;

    TaskFinder(Machine machine) {
        this.machine = machine;
    }

    /** {@code arch_get_kprobe_task}: the task owning the kernel stack that holds {@code stackAddr}. */
    long fromStack(Vcpu cpu, long stackAddr) {
        return machine.kernelProfile().taskOfStack(cpu, stackAddr);
    }

    /** {@code current}. */
    long current(Vcpu cpu) {
        return machine.kernelProfile().current(cpu);
    }
}
