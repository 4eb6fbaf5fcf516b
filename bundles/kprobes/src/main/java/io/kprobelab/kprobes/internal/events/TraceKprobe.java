package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeInstance;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.internal.trace.TraceBuffer;
import io.kprobelab.machine.PtRegs;
import java.util.concurrent.atomic.LongAdder;

/**
 * One probe of a kprobe event ({@code struct trace_kprobe}): its parsed definition, the kprobe or
 * kretprobe registered for it, its hit counter, and the dispatchers that record trace entries.
 */
final class TraceKprobe {

    final ProbeEvent probe;
    final EventState event;
    /** {@code nhit}: handler runs (entries for a kprobe, returns for a kretprobe). */
    final LongAdder nhit = new LongAdder();
    private final KprobeEventsService owner;
    private Kprobe kp;
    private Kretprobe rp;

    TraceKprobe(ProbeEvent probe, EventState event, KprobeEventsService owner) {
        this.probe = probe;
        this.event = event;
        this.owner = owner;
    }

    ProbeEventDefinition definition() {
        return probe.definition();
    }

    /** {@code __register_trace_kprobe}: disarmed unless its event is already enabled. */
    void register(KprobeRegistry registry, boolean disabled) throws KprobeException {
        ProbeEventDefinition d = probe.definition();
        KprobeSpec at = d.symbol().isPresent()
                ? KprobeSpec.at(d.symbol().get(), d.offset())
                : KprobeSpec.atAddress(d.address().getAsLong());
        at = at.disabled(disabled);
        if (d.isReturn()) {
            KretprobeSpec spec = KretprobeSpec.on(at).maxactive(d.maxActive()).handler(this::kretprobeDispatcher);
            if (probe.entryDataSlots() > 0) {
                spec = spec.entryHandler(this::entryHandler).dataSize(8 * probe.entryDataSlots());
            }
            rp = registry.registerKretprobe(spec);
            kp = rp.kp();
        } else {
            kp = registry.registerKprobe(at.preHandler(this::kprobeDispatcher));
        }
    }

    void unregister(KprobeRegistry registry) {
        if (rp != null) {
            registry.unregisterKretprobe(rp);
        } else if (kp != null) {
            registry.unregisterKprobe(kp);
        }
    }

    /** The entry probe (of the kretprobe for a return probe). */
    Kprobe kprobe() {
        return kp;
    }

    /** The {@code kprobe_events} line: a kretprobe's maxactive as registered. */
    String readBack() {
        ProbeEventDefinition d = probe.definition();
        return rp != null ? d.withMaxActive(rp.maxactive()).toString() : d.toString();
    }

    /** {@code kprobe_profile}'s misses: the kprobe's, plus the kretprobe's for a return probe. */
    long nmissed() {
        return (kp == null ? 0 : kp.nmissed()) + (rp == null ? 0 : rp.nmissed());
    }

    /** {@code kprobe_dispatcher}. */
    private int kprobeDispatcher(Kprobe p, PtRegs regs) {
        nhit.increment();
        if (!event.enabled) {
            return 0;
        }
        HitContext c = owner.enter(regs);
        owner.buffer().recordEntry(event.name, c.cpu, c.pid, c.comm, c.flags, c.ts, p.addr(), args(c));
        return 0;
    }

    /** {@code trace_kprobe_entry_handler}: saves the {@code $argN} a return probe prints. */
    private int entryHandler(KretprobeInstance ri, PtRegs regs) {
        probe.captureEntryData(owner.enter(regs), ri.data());
        return 0;
    }

    /** {@code kretprobe_dispatcher}. */
    private int kretprobeDispatcher(KretprobeInstance ri, PtRegs regs) {
        Kretprobe r = ri.rp();
        if (r == null) {
            return 0;
        }
        nhit.increment();
        if (!event.enabled) {
            return 0;
        }
        HitContext c = owner.enter(regs);
        c.entryData = ri.data();
        owner.buffer().recordReturn(event.name, c.cpu, c.pid, c.comm, c.flags, c.ts, ri.retAddr(),
                r.kp().addr(), args(c));
        return 0;
    }

    private String args(HitContext c) {
        if (!probe.hasArgs()) {
            return "";
        }
        c.out.setLength(0);
        return probe.appendArgs(c.out, c).toString();
    }

    /** The shared part of the probes of one event ({@code struct trace_probe_event}). */
    static final class EventState {
        final String group;
        final String name;
        /** {@code TP_FLAG_TRACE}. */
        volatile boolean enabled;
        /** Was enabled at some point: removing it then resets the trace ({@code clear_trace}). */
        boolean used;
        final java.util.List<TraceKprobe> probes = new java.util.ArrayList<>();

        EventState(String group, String name) {
            this.group = group;
            this.name = name;
        }

        String key() {
            return group + "/" + name;
        }
    }
}
