package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import java.util.ArrayList;
import java.util.List;

/**
 * kallsyms of the running machine for the parser. Registration itself is not simulated here: the
 * event registry registers the probe right after a successful parse and maps the core's errno to
 * the kernel's {@code error_log} entry ({@link ProbeEvent#registrationFailed}), the order in which
 * {@code trace_kprobe_create} does it.
 */
final class MachineProbeSites implements ProbeSites {

    private final Machine machine;

    MachineProbeSites(Machine machine) {
        this.machine = machine;
    }

    @Override
    public List<Long> addressesOf(String name) {
        List<Long> out = new ArrayList<>(1);
        for (Symbol s : machine.symbols().lookupAll(name)) {
            out.add(s.address());
        }
        return out;
    }

    /** x86-64 without IBT ({@code -fcf-protection=none}): only offset 0 is the entry. */
    @Override
    public boolean isFunctionEntry(String symbol, long offset) {
        return offset == 0;
    }

    @Override
    public Registration checkRegistration(ProbeEventDefinition definition) {
        return Registration.OK;
    }
}
