package io.kprobelab.shell.internal;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.events.ProbeEvents;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code kprobe:*} Gogo commands (DESIGN.md section 6): thin adapters over
 * {@link ProbeEvents} (the tracefs files) and {@link KprobeRegistry} (the debugfs files). Views
 * print the kernel's lines verbatim; a refused change throws, with the kernel's {@code error_log}
 * entry as the message when the kernel logs one.
 */
@Component(service = KprobeCommands.class, property = {
        "osgi.command.scope=kprobe",
        "osgi.command.function=add",
        "osgi.command.function=remove",
        "osgi.command.function=events",
        "osgi.command.function=list",
        "osgi.command.function=profile",
        "osgi.command.function=enable",
        "osgi.command.function=disable",
        "osgi.command.function=enabled",
        "osgi.command.function=trace",
        "osgi.command.function=clear",
        "osgi.command.function=pipe",
        "osgi.command.function=blacklist",
        "osgi.command.function=generation"})
public final class KprobeCommands implements Documented {

    /** How often follow mode wakes to notice its deadline when no entries come. */
    static final long PIPE_POLL_MS = 200;

    // Optional and dynamic, like machine:*: the commands stay and can say why a service is missing.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KprobeRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProbeEvents events;

    /** For DS. */
    public KprobeCommands() {
    }

    /** For tests: commands over given services. */
    KprobeCommands(KprobeRegistry registry, ProbeEvents events) {
        this.registry = registry;
        this.events = events;
    }

    private KprobeRegistry kprobes() {
        KprobeRegistry r = registry;
        if (r == null) {
            throw new CommandUnavailable("no kprobes: the kprobes core is not running (see the log for why)");
        }
        return r;
    }

    private ProbeEvents probeEvents() {
        ProbeEvents e = events;
        if (e == null) {
            throw new CommandUnavailable("no kprobe events: the kprobe_events service is not running "
                    + "(see the log for why)");
        }
        return e;
    }

    @Descriptor("define a probe event, as a line written to kprobe_events: "
            + "p[:[GRP/]EVENT] SYM[+offs]|0xADDR [FETCHARGS], r[MAXACTIVE][:[GRP/]EVENT] SYM[+0] [FETCHARGS], "
            + "SYM%return, or -:[GRP/]EVENT. Quote the definition in single quotes, "
            + "e.g. kprobe:add 'p:myprobe do_fork %di' or kprobe:add 'r:myretprobe do_fork $retval': "
            + "unquoted, the shell refuses %REG (bad expression), expands $retval and $argN as its own "
            + "variables and runs (...) as a command. The event starts disabled. "
            + "A refused definition fails with the kernel's error_log entry (message, command, caret) "
            + "and changes nothing")
    public void add(
            @Descriptor("the definition; several words are joined with single spaces") String... definition) {
        String line = String.join(" ", Operands.words(definition));
        try {
            probeEvents().add(line);
        } catch (ProbeEventException e) {
            throw failure(e);
        }
    }

    @Descriptor("remove a probe event (-:EVENT), or with -a every event (echo > kprobe_events); "
            + "an enabled event cannot be removed, and -a removes none while one is enabled (EBUSY)")
    public void remove(
            @Descriptor("remove every event")
            @Parameter(names = {"-a", "--all"}, presentValue = "true", absentValue = "false") boolean all,
            @Descriptor("EVENT or GRP/EVENT") String... event) {
        if (all == (event.length == 1) || event.length > 1) {
            throw new CommandError("kprobe:remove: name one EVENT, or -a for every event");
        }
        try {
            if (all) {
                probeEvents().clear();
            } else {
                probeEvents().remove(Operands.word(event[0]));
            }
        } catch (ProbeEventException e) {
            throw failure(e);
        }
    }

    @Descriptor("list the probe event definitions, as reading kprobe_events does")
    public String events() {
        return lines(probeEvents().events());
    }

    @Descriptor("list the registered probes, as /sys/kernel/debug/kprobes/list does")
    public String list() {
        return lines(kprobes().list());
    }

    @Descriptor("hits and misses per probe event, as kprobe_profile shows them")
    public String profile() {
        return lines(probeEvents().profile());
    }

    @Descriptor("without EVENT: the global switch, arm every registered probe (echo 1 > kprobes/enabled); "
            + "each probe keeps its own state. Says what it switched, as the kernel logs it")
    public String enable() {
        return globalSwitch(true);
    }

    @Descriptor("enable a probe event (echo 1 > events/GRP/EVENT/enable)")
    public void enable(@Descriptor("EVENT or GRP/EVENT") String event) {
        try {
            probeEvents().enable(Operands.word(event));
        } catch (ProbeEventException e) {
            throw failure(e);
        }
    }

    @Descriptor("without EVENT: the global switch, disarm every registered probe (echo 0 > kprobes/enabled); "
            + "each probe keeps its own state. Says what it switched, as the kernel logs it")
    public String disable() {
        return globalSwitch(false);
    }

    /** Flips kprobes/enabled; the kernel's log line for it ({@code arm_all_kprobes}/{@code disarm_all_kprobes}). */
    private String globalSwitch(boolean on) {
        KprobeRegistry r = kprobes();
        boolean was = r.isEnabled();
        r.setEnabled(on);
        String state = on ? "enabled" : "disabled";
        return was == on ? "Kprobes globally " + state + " already (kprobes/enabled is " + (on ? 1 : 0) + ")"
                : "Kprobes globally " + state + " (kprobes/enabled is " + (on ? 1 : 0) + "; events keep their own switches)";
    }

    @Descriptor("disable a probe event (echo 0 > events/GRP/EVENT/enable)")
    public void disable(@Descriptor("EVENT or GRP/EVENT") String event) {
        try {
            probeEvents().disable(Operands.word(event));
        } catch (ProbeEventException e) {
            throw failure(e);
        }
    }

    @Descriptor("the global switch, as reading kprobes/enabled: 1 or 0")
    public String enabled() {
        return kprobes().isEnabled() ? "1" : "0";
    }

    @Descriptor("the trace buffer in ftrace's format (header, then one line per hit); not consumed")
    public String trace() {
        return lines(probeEvents().trace());
    }

    @Descriptor("empty the trace buffer (echo > trace)")
    public void clear() {
        probeEvents().clearTrace();
    }

    @Descriptor("follow the trace like trace_pipe: print entries as they come, consuming them, "
            + "until the timeout or an interrupt (^C)")
    public void pipe(
            @Descriptor("stop after MS milliseconds (0: only at an interrupt)")
            @Parameter(names = "--timeout", absentValue = "0") long timeoutMs) {
        pipe(timeoutMs, System.out); // Gogo routes System.out to the session's output
    }

    /** Follow mode onto {@code out}; returns at the deadline or when the thread is interrupted. */
    void pipe(long timeoutMs, PrintStream out) {
        if (timeoutMs < 0) {
            throw new CommandError("--timeout must be 0 or more, not " + timeoutMs);
        }
        ProbeEvents ev = probeEvents();
        long deadline = timeoutMs == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            while (true) {
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, PIPE_POLL_MS);
                for (String line : ev.readTracePipe(wait, TimeUnit.MILLISECONDS)) {
                    out.println(line);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            // ^C: the end of following, not a failure
            out.flush();
        }
    }

    @Descriptor("the address ranges where probes are refused, as kprobes/blacklist lists them")
    public String blacklist() {
        return lines(kprobes().blacklist());
    }

    @Descriptor("show the running generation of the kprobes mechanism")
    public String generation() {
        return kprobes().generation().label();
    }

    @Descriptor("show (without NAME) or switch the generation of the kprobes mechanism; "
            + "refused (EBUSY) while probes are registered")
    public void generation(@Descriptor("a generation listed below") String name) {
        Generation g;
        try {
            g = Generation.of(Operands.word(name));
        } catch (IllegalArgumentException e) {
            throw new CommandError(e.getMessage());
        }
        try {
            kprobes().setGeneration(g);
        } catch (KprobeException e) {
            RuntimeException r = e.errno() == Errno.EBUSY ? new CommandUnavailable(e.getMessage())
                    : new CommandError(e.getMessage());
            r.initCause(e);
            throw r;
        }
    }

    /** {@code help kprobe:generation}: the generations, from the one list ({@link Generation}). */
    @Override
    public List<String> notes(String function) {
        if (!function.equals("generation")) {
            return List.of();
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add("generations:");
        for (Generation g : Generation.values()) {
            lines.add(String.format("  %-8s %s", g.label(), g.summary()));
        }
        return lines;
    }

    private static String lines(List<String> lines) {
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /**
     * The kernel's error_log entry as the message (several lines: the launcher and the shell
     * print them whole); for refusals the kernel does not log, {@code ERRNO: why}.
     */
    static RuntimeException failure(ProbeEventException e) {
        List<String> log = e.errorLog();
        String message;
        if (!log.isEmpty()) {
            message = String.join("\n", log);
        } else {
            String why = e.getMessage();
            message = why.startsWith(e.errno().name() + ":") ? why : e.errno().name() + ": " + why;
            if (e.errno() == Errno.ENOENT && !e.command().isEmpty() && !why.contains(e.command().trim())) {
                message += ": " + e.command().trim(); // say what was not found
            }
        }
        RuntimeException r = e.errno() == Errno.EBUSY ? new CommandUnavailable(message)
                : new CommandError(message);
        r.initCause(e);
        return r;
    }
}
