package io.kprobelab.kprobes.spi;

import io.kprobelab.kprobes.KretprobeInstance;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A kretprobe instance as {@code arch_prepare_kretprobe} fills it.
 */
@ProviderType
public interface RetprobeSlot extends KretprobeInstance {

    /** Records the real return address. */
    void setRetAddr(long retAddr);

    /** Records the stack slot that held it. */
    void setStackAddr(long stackAddr);

    /**
     * Records the task the instance belongs to: in the 2005 design the task found by masking the
     * stack address with THREAD_SIZE ({@code arch_get_kprobe_task}); from 2.6.13 {@code current}.
     */
    void setTask(long task);
}
