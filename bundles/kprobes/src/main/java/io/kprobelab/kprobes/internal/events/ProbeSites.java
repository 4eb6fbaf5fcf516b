package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventDefinition;
import java.util.List;

/**
 * The kernel facts the kprobe_events parser checks a definition against: kallsyms and what
 * registering the probe would say. The caller implements it over the machine's symbols and the
 * kprobes core; tests use a fake.
 */
public interface ProbeSites {

    /** What {@code register_kprobe}/{@code register_kretprobe} would answer for a probe point. */
    enum Registration {
        /** It can be registered. */
        OK,
        /** {@code -ENOENT}: the symbol or address does not exist (logged as BAD_PROBE_ADDR). */
        NOT_FOUND,
        /** {@code -EILSEQ}: the address is not an instruction boundary (BAD_INSN_BNDRY). */
        NOT_INSN_BOUNDARY,
        /** Any other refusal: not kernel text, blacklisted, a retprobe off a function entry... (FAIL_REG_PROBE). */
        REJECTED
    }

    /**
     * The addresses of every kallsyms symbol named exactly {@code name}, in kallsyms order;
     * empty if there is none. A definition on a name with several is refused (use an address).
     */
    List<Long> addressesOf(String name);

    /**
     * {@code kprobe_on_func_entry(NULL, symbol, offset) == 0}: {@code symbol+offset} is the entry of
     * a function (on x86-64, offset 0, or 4 right after an {@code endbr64}).
     */
    boolean isFunctionEntry(String symbol, long offset);

    /** Whether module {@code name} is loaded ({@code MOD:SYM} targets of unloaded modules are accepted). */
    default boolean isModuleLoaded(String name) {
        return false;
    }

    /** What registering the probe of {@code definition} would answer. */
    Registration checkRegistration(ProbeEventDefinition definition);
}
