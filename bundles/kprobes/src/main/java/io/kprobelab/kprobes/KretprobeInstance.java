package io.kprobelab.kprobes;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One hooked call of a kretprobe'd function ({@code struct kretprobe_instance}).
 */
@ProviderType
public interface KretprobeInstance {

    /** The owning kretprobe, or null once it was unregistered (an orphan). */
    Kretprobe rp();

    /** The real return address the trampoline will return to. */
    long retAddr();

    /** The stack address that held the return address ({@code stack_addr}, the frame). */
    long stackAddr();

    /** The guest task that made the call (its task pointer), or 0 in bare mode. */
    long task();

    /**
     * The per-instance private data, {@code data_size} bytes, little-endian; what the entry
     * handler stored is there for the return handler.
     */
    ByteBuffer data();
}
