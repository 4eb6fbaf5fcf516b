package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.events.ProbeEvents;
import io.kprobelab.kprobes.internal.events.TraceKprobe.EventState;
import io.kprobelab.kprobes.internal.trace.CurrentTask;
import io.kprobelab.kprobes.internal.trace.TraceBuffer;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Vcpu;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kprobe event registry ({@code kernel/trace/trace_kprobe.c} over {@code trace_dynevent.c}):
 * parses {@code kprobe_events} lines, registers a kprobe or kretprobe per probe through the
 * {@link KprobeRegistry}, switches events on and off, and serves the read-back, the profile and the
 * trace. Definitions and removals run under one lock ({@code event_mutex}); the dispatchers run on
 * the vCPU threads without it.
 */
@Component(service = ProbeEvents.class, immediate = true, configurationPid = KprobeEventsService.PID)
@Designate(ocd = KprobeEventsService.Config.class)
public final class KprobeEventsService implements ProbeEvents, ExistingEvents {

    /** The configuration PID. */
    public static final String PID = "io.kprobelab.kprobes.events";

    /** Settings of the kprobe events and their trace. */
    @ObjectClassDefinition(name = "KprobeLab kprobe events", description = "kprobe_events and the trace buffer")
    public @interface Config {
        /** The ring's size ({@code buffer_size_kb}, counted in entries here). */
        @AttributeDefinition(description = "Trace entries kept; the oldest are overwritten when it is full")
        int trace_entries() default TraceBuffer.DEFAULT_ENTRIES;
    }

    private final KprobeRegistry registry;
    private final Machine machine;
    private final TraceBuffer buffer;
    private final CurrentTask current;
    private final ProbeEventParser parser;
    private final Object lock = new Object();
    /** {@code dyn_event_list}: every probe in creation order. */
    private final List<TraceKprobe> probes = new ArrayList<>();
    private final Map<String, EventState> events = new LinkedHashMap<>();
    /** Events a configuration file defined (GRP/EVENT to the file): they go with the file. */
    private final Map<String, String> owners = new java.util.HashMap<>();
    private final ThreadLocal<HitContext> contexts = ThreadLocal.withInitial(HitContext::new);

    /** The DS constructor: the trace buffer's size from configuration. */
    @Activate
    public KprobeEventsService(@Reference KprobeRegistry registry, @Reference Machine machine, Config config) {
        this(registry, machine, Math.max(1, config.trace_entries()));
    }

    /**
     * {@code config/io.kprobelab.kprobes.events.cfg} changed: the trace ring takes its new size
     * and keeps what fits; the events stay (without this, DS would replace the service and every
     * event defined in the shell would be gone).
     */
    @Modified
    void modified(Config config) {
        buffer.resize(Math.max(1, config.trace_entries()));
    }

    /** A registry whose trace buffer keeps {@code traceEntries} entries. */
    public KprobeEventsService(KprobeRegistry registry, Machine machine, int traceEntries) {
        this.registry = registry;
        this.machine = machine;
        this.buffer = new TraceBuffer(traceEntries, machine::symbols, () -> machine.vcpus().size());
        this.current = new CurrentTask(machine);
        this.parser = new ProbeEventParser(new MachineProbeSites(machine), this);
    }

    /** Unregisters every probe, enabled or not (the bundle is going away). */
    @Deactivate
    public void close() {
        synchronized (lock) {
            for (TraceKprobe tk : probes) {
                tk.unregister(registry);
            }
            probes.clear();
            events.clear();
        }
    }

    // ---- ExistingEvents (for the parser's append checks) ----

    @Override
    public List<ProbeEventDefinition> probesOf(String group, String event) {
        EventState ev = events.get(group + "/" + event);
        if (ev == null) {
            return List.of();
        }
        List<ProbeEventDefinition> out = new ArrayList<>(ev.probes.size());
        for (TraceKprobe tk : ev.probes) {
            out.add(tk.definition());
        }
        return out;
    }

    // ---- ProbeEvents ----

    @Override
    public void add(String line) throws ProbeEventException {
        synchronized (lock) {
            Optional<ProbeEventCommand> command = parser.parse(line);
            if (command.isEmpty()) {
                return;
            }
            if (command.get() instanceof ProbeEventRemoval removal) {
                release(removal, line.trim());
            } else {
                create((ProbeEvent) command.get());
            }
        }
    }

    /** {@code register_trace_kprobe}: a new event, or one more probe of an existing one. */
    private void create(ProbeEvent probe) throws ProbeEventException {
        ProbeEventDefinition d = probe.definition();
        String key = d.group() + "/" + d.event();
        EventState ev = events.get(key);
        EventState target = ev != null ? ev : new EventState(d.group(), d.event());
        TraceKprobe tk = new TraceKprobe(probe, target, this);
        try {
            tk.register(registry, !target.enabled);
        } catch (KprobeException e) {
            throw probe.registrationFailed(e);
        }
        if (ev == null) {
            events.put(key, target);
        }
        target.probes.add(tk);
        probes.add(tk);
    }

    /**
     * {@code dyn_event_release}: removes every matching probe. Unlike the kernel, which frees
     * matches one by one and stops at the first busy one, nothing is removed when any match is
     * busy, so a refused removal changes nothing.
     */
    private void release(ProbeEventRemoval removal, String command) throws ProbeEventException {
        List<TraceKprobe> matched = new ArrayList<>();
        for (TraceKprobe tk : probes) {
            if (removal.matches(tk.definition())) {
                matched.add(tk);
            }
        }
        if (matched.isEmpty()) {
            throw new ProbeEventException(Errno.ENOENT, command, "no such event");
        }
        for (TraceKprobe tk : matched) {
            refuseOwned(tk.event.key(), command);
        }
        for (TraceKprobe tk : matched) {
            if (tk.event.enabled) {
                throw new ProbeEventException(Errno.EBUSY, command, tk.event.key() + " is enabled");
            }
        }
        free(matched);
    }

    /**
     * Marks {@code key} (GRP/EVENT) as defined by {@code source}, a configuration file: removing it
     * from the shell is then refused, since the file would still say it exists (and would not
     * bring it back until it changed).
     */
    void own(String key, String source) {
        synchronized (lock) {
            owners.put(key, source);
        }
    }

    /** The file that defined {@code key} is going: the event may be removed again. */
    void disown(String key) {
        synchronized (lock) {
            owners.remove(key);
        }
    }

    private void refuseOwned(String key, String command) throws ProbeEventException {
        String source = owners.get(key);
        if (source != null) {
            throw new ProbeEventException(Errno.EBUSY, command, key + " is defined by " + source
                    + ": it goes when that file is deleted");
        }
    }

    private void free(List<TraceKprobe> gone) {
        boolean used = false;
        for (TraceKprobe tk : gone) {
            tk.unregister(registry);
            probes.remove(tk);
            tk.event.probes.remove(tk);
            if (tk.event.probes.isEmpty()) {
                events.remove(tk.event.key());
            }
            used |= tk.event.used;
        }
        // tracing_reset_all_online_cpus: entries of a deleted event that was used go with it
        if (used) {
            buffer.clear();
        }
    }

    @Override
    public void remove(String event) throws ProbeEventException {
        add("-:" + event);
    }

    /** {@code dyn_events_release_all}: all or nothing. */
    @Override
    public void clear() throws ProbeEventException {
        synchronized (lock) {
            for (String key : events.keySet()) {
                refuseOwned(key, "");
            }
            for (EventState ev : events.values()) {
                if (ev.enabled) {
                    throw new ProbeEventException(Errno.EBUSY, "", ev.key() + " is enabled");
                }
            }
            free(new ArrayList<>(probes));
        }
    }

    /** {@code enable_trace_kprobe}: all probes of the event, or none. */
    @Override
    public void enable(String event) throws ProbeEventException {
        synchronized (lock) {
            EventState ev = find(event);
            if (ev.enabled) {
                return;
            }
            ev.enabled = true;
            ev.used = true;
            List<TraceKprobe> done = new ArrayList<>();
            for (TraceKprobe tk : ev.probes) {
                try {
                    registry.enableKprobe(tk.kprobe());
                    done.add(tk);
                } catch (KprobeException e) {
                    for (TraceKprobe d : done) {
                        disableQuietly(d);
                    }
                    ev.enabled = false;
                    ProbeEventException x = new ProbeEventException(e.errno(), event, e.getMessage());
                    x.initCause(e);
                    throw x;
                }
            }
        }
    }

    /** {@code disable_trace_kprobe}. */
    @Override
    public void disable(String event) throws ProbeEventException {
        synchronized (lock) {
            EventState ev = find(event);
            ev.enabled = false;
            for (TraceKprobe tk : ev.probes) {
                disableQuietly(tk);
            }
        }
    }

    private void disableQuietly(TraceKprobe tk) {
        try {
            registry.disableKprobe(tk.kprobe());
        } catch (KprobeException e) {
            // not registered any more: nothing to disarm
        }
    }

    @Override
    public boolean isEnabled(String event) throws ProbeEventException {
        synchronized (lock) {
            return find(event).enabled;
        }
    }

    /** {@code GRP/EVENT}, or {@code EVENT} when only one group has it. */
    private EventState find(String name) throws ProbeEventException {
        String n = name.trim();
        if (n.indexOf('/') >= 0) {
            EventState ev = events.get(n);
            if (ev != null) {
                return ev;
            }
        } else {
            EventState found = null;
            for (EventState ev : events.values()) {
                if (ev.name.equals(n)) {
                    if (found != null) {
                        throw new ProbeEventException(Errno.EINVAL, name,
                                "event " + n + " exists in several groups: give GRP/EVENT");
                    }
                    found = ev;
                }
            }
            if (found != null) {
                return found;
            }
        }
        throw new ProbeEventException(Errno.ENOENT, name, "no such event: " + n);
    }

    @Override
    public List<String> names() {
        synchronized (lock) {
            return List.copyOf(events.keySet());
        }
    }

    /** {@code trace_kprobe_show}. */
    @Override
    public List<String> events() {
        synchronized (lock) {
            List<String> out = new ArrayList<>(probes.size());
            for (TraceKprobe tk : probes) {
                out.add(tk.readBack());
            }
            return out;
        }
    }

    /** {@code probes_profile_seq_show}. */
    @Override
    public List<String> profile() {
        synchronized (lock) {
            List<String> out = new ArrayList<>(probes.size());
            for (TraceKprobe tk : probes) {
                out.add(String.format("  %-44s %15d %15d", tk.event.name, tk.nhit.sum(), tk.nmissed()));
            }
            return out;
        }
    }

    @Override
    public List<String> trace() {
        return buffer.trace();
    }

    @Override
    public void clearTrace() {
        buffer.clear();
    }

    @Override
    public List<String> readTracePipe(long timeout, TimeUnit unit) throws InterruptedException {
        return buffer.readPipe(timeout, unit);
    }

    // ---- the hit path ----

    TraceBuffer buffer() {
        return buffer;
    }

    /**
     * Fills this thread's context for a hit: the vCPU whose registers these are (the machine hands
     * each vCPU's own {@link PtRegs} to the trap handlers), its virtual time, the current task and
     * the interrupt flag.
     */
    HitContext enter(PtRegs regs) {
        HitContext c = contexts.get();
        Vcpu v = vcpuOf(regs);
        c.machine = machine;
        c.regs = regs;
        c.memory = v != null ? v.memory() : machine.memory();
        c.cpu = v != null ? v.id() : 0;
        c.ts = v != null ? v.retired() : 0;
        c.flags = (regs.flags() & PtRegs.FLAG_IF) == 0 ? TraceBuffer.IRQS_OFF : 0;
        c.entryData = null;
        c.comm.setLength(0);
        c.pid = current.read(v, c.memory, c.comm);
        return c;
    }

    private Vcpu vcpuOf(PtRegs regs) {
        List<Vcpu> all = machine.vcpus();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).regs() == regs) {
                return all.get(i);
            }
        }
        // registers that are not a vCPU's own (a test's): charge the boot CPU
        return all.isEmpty() ? null : all.get(0);
    }
}
