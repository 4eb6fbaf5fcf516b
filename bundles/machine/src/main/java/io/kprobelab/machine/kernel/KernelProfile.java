package io.kprobelab.machine.kernel;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Vcpu;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What kprobes needs to know of the kernel running on the machine, and nothing of how a
 * particular kernel lays it out: where its tasks are (the running one, the one owning a kernel
 * stack, their pid and name), which text may be probed at all, and which the kernel itself
 * refuses (its blacklist and the sites it patches on its own). A loader makes one from the kernel
 * it boots (symbols, sections, structure offsets from BTF), so a kernel built with another
 * configuration is read the same way; the machine keeps the running kernel's
 * ({@link io.kprobelab.machine.Machine#kernelProfile}).
 *
 * <p>Task methods take guest memory and run on the trap path: they must not allocate more than
 * their result, and they are called with the vCPU stopped.
 */
@ConsumerType
public interface KernelProfile {

    /** A short name: {@code KprobeLab guest}, {@code Linux 6.1.176}, {@code bare}. */
    String name();

    /** {@code THREAD_SIZE}: size and alignment of a task's kernel stack; 0 when the kernel has none. */
    long threadSize();

    /** {@code current}: the task running on {@code cpu}, or 0 when there is none (bare mode, early boot). */
    long current(Vcpu cpu);

    /**
     * The task whose kernel stack holds {@code address} (the seed's {@code arch_get_kprobe_task},
     * which masks the stack pointer with THREAD_SIZE), or 0 when no task owns that memory (an
     * interrupt stack, an entry trampoline's, bare mode).
     */
    long taskOfStack(Vcpu cpu, long address);

    /** The pid of {@code task} (0 for the idle task or no task). */
    int pid(GuestMemory memory, long task);

    /** Appends the name ({@code comm}) of {@code task} to {@code out}; {@code swapper} for no task. */
    void appendComm(GuestMemory memory, long task, StringBuilder out);

    /** The kernel text, where a probe may be placed at all ({@code core_kernel_text}). */
    List<TextRange> text();

    /**
     * The kernel's own kprobe blacklist ({@code populate_kprobe_blacklist}), one range per function
     * or section, named as {@code kprobes/blacklist} names them.
     */
    List<TextRange> blacklist();

    /**
     * Text the kernel patches itself and so reserves from kprobes ({@code jump_label_text_reserved},
     * {@code static_call_text_reserved}, {@code find_bug}), each range named by kind
     * ({@code jump_label}, {@code static_call}, {@code bug}).
     */
    default List<TextRange> reserved() {
        return List.of();
    }

    /**
     * The function kprobes hooks to forget the kretprobe instances of a task that is being
     * released ({@code kprobe_flush_task}): called with the task as its first argument.
     */
    default Optional<String> taskReleaseFunction() {
        return Optional.empty();
    }
}
