package io.kprobelab.kprobes;

import io.kprobelab.machine.PtRegs;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Registration and control of kprobes and kretprobes ({@code kernel/kprobes.c}). Safe to call
 * from any thread while the guest runs: text changes go through the machine's stop-machine
 * barrier.
 */
@ProviderType
public interface KprobeRegistry {

    /** {@code register_kprobe}: plants the breakpoint and returns the live probe. */
    Kprobe registerKprobe(KprobeSpec spec) throws KprobeException;

    /** {@code unregister_kprobe}: removes it and restores the original byte. Idempotent. */
    void unregisterKprobe(Kprobe p);

    /**
     * {@code register_kprobes}: all or nothing — on the first failure the already registered
     * ones are unregistered and the error is thrown.
     */
    List<Kprobe> registerKprobes(List<KprobeSpec> specs) throws KprobeException;

    /** {@code unregister_kprobes}. */
    void unregisterKprobes(List<Kprobe> probes);

    /** {@code register_kretprobe}. */
    Kretprobe registerKretprobe(KretprobeSpec spec) throws KprobeException;

    /**
     * {@code unregister_kretprobe}: calls in flight still return to the right place; their
     * handler is not run and their instances are freed when they return.
     */
    void unregisterKretprobe(Kretprobe rp);

    /** {@code register_kretprobes}: all or nothing. */
    List<Kretprobe> registerKretprobes(List<KretprobeSpec> specs) throws KprobeException;

    /** {@code unregister_kretprobes}. */
    void unregisterKretprobes(List<Kretprobe> rps);

    /** {@code enable_kprobe}: re-arms a disabled probe. */
    void enableKprobe(Kprobe p) throws KprobeException;

    /** {@code disable_kprobe}: disarms without unregistering. */
    void disableKprobe(Kprobe p) throws KprobeException;

    /** The global switch ({@code /sys/kernel/debug/kprobes/enabled}). */
    boolean isEnabled();

    /** Arms (true) or disarms (false) every probe, keeping each one's own disabled state. */
    void setEnabled(boolean enabled);

    /** The running generation. */
    Generation generation();

    /**
     * Switches generation.
     *
     * @throws KprobeException {@code EBUSY} while any probe is registered
     */
    void setGeneration(Generation g) throws KprobeException;

    /** One entry per registered probe, as {@code /sys/kernel/debug/kprobes/list} prints them. */
    List<String> list();

    /** The blacklist, as {@code /sys/kernel/debug/kprobes/blacklist} prints it. */
    List<String> blacklist();

    /**
     * {@code stack_trace_save_regs}: the guest call chain at {@code regs}, RIP first, then the
     * return addresses found by walking frame pointers, at most {@code max}. A return address
     * that is the kretprobe trampoline (a hooked return) is reported as the real return address
     * of the instance that hooked it, as kernels since 5.15 do.
     */
    long[] stackTrace(PtRegs regs, int max);
}
