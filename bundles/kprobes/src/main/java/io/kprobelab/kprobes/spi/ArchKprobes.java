package io.kprobelab.kprobes.spi;

import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.machine.PtRegs;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The architecture half of kprobes, implemented by an arch bundle and consumed by the generic
 * core (which never imports the arch bundle). The arch bundle also owns the trap handlers: it
 * registers a die notifier that finds probes with {@link KprobesCore#getKprobe(long)}.
 */
@ConsumerType
public interface ArchKprobes {

    /** The architecture's name, e.g. {@code x86_64}. */
    String name();

    /**
     * {@code arch_prepare_kprobe}: checks the address is an instruction boundary and the
     * instruction can be stepped out of line, copies it into a slot (fixing RIP-relative
     * operands) and saves the original opcode byte in the probe point.
     *
     * @throws KprobeException EILSEQ for a non-boundary, EINVAL/EOPNOTSUPP for an instruction that
     *                         cannot be probed, ENOMEM when no slot is left
     */
    void prepareKprobe(ProbePoint p) throws KprobeException;

    /** {@code arch_arm_kprobe}: writes the breakpoint (called inside stop-machine). */
    void armKprobe(ProbePoint p);

    /** {@code arch_disarm_kprobe}: restores the original byte (called inside stop-machine). */
    void disarmKprobe(ProbePoint p);

    /** {@code arch_remove_kprobe}: frees the instruction slot. */
    void removeKprobe(ProbePoint p);

    /**
     * {@code arch_prepare_kretprobe}: records the return address at the stack pointer in the
     * instance and replaces it with the trampoline's address.
     */
    void prepareKretprobe(RetprobeSlot ri, PtRegs regs);

    /** {@code arch_within_kprobe_blacklist}: addresses the arch forbids (trampoline, slots...). */
    boolean withinBlacklist(long addr);

    /** {@code arch_populate_kprobe_blacklist}: the arch's own blacklist ranges. */
    List<BlacklistRange> populateBlacklist();

    /**
     * The arch's unwinder ({@code arch_stack_walk} with {@code kretprobe_find_ret_addr}): RIP,
     * then return addresses by frame pointers, trampoline entries replaced by the hooked
     * instances' real return addresses.
     */
    long[] stackTrace(PtRegs regs, int max);

    /** {@code arch_init_kprobes}: sets up the trampoline and registers the trap handlers. */
    void initKprobes(KprobesCore core) throws KprobeException;

    /**
     * A new image replaced guest memory: whatever the arch placed there (slots, trampoline) is
     * gone and must not be written to; called between {@link #exitKprobes} and
     * {@link #initKprobes}.
     */
    default void imageReloaded() {
    }

    /** Undoes {@link #initKprobes}. */
    void exitKprobes();
}
