package io.kprobelab.kprobes.whiteboard;

import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.KretprobeInstance;
import io.kprobelab.machine.PtRegs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kretprobe handler service with an entry handler too ({@code entry_handler} and
 * {@code handler} of {@code struct kretprobe}). Register it as a {@link KretprobeHandler}
 * service; the whiteboard sees this type and installs {@link #onEntry} as the entry handler.
 */
@ConsumerType
public interface KretprobeHandlers extends KretprobeHandler {

    /**
     * Runs at the function's entry; may fill {@link KretprobeInstance#data()} for
     * {@link #onReturn}.
     *
     * @return non-zero to leave this call's return unhooked ({@link #onReturn} will not run for it)
     */
    default int onEntry(KretprobeInstance ri, PtRegs regs) {
        return 0;
    }

    /** Runs when the function returns; RAX holds the return value. */
    void onReturn(KretprobeInstance ri, PtRegs regs);

    /**
     * The kretprobe was registered for this service (a module's {@code register_kretprobe}
     * returned): e.g. to log where it was planted.
     */
    default void planted(Kretprobe rp) {
    }

    /**
     * The kretprobe was unregistered because this service went away (the module's exit): its
     * counters, such as {@link Kretprobe#nmissed()}, are final.
     */
    default void removed(Kretprobe rp) {
    }

    /** The return handler, as a plain {@link KretprobeHandler}: calls {@link #onReturn}. */
    @Override
    default int handle(KretprobeInstance ri, PtRegs regs) {
        onReturn(ri, regs);
        return 0;
    }
}
