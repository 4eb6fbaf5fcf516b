package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.events.ProbeEvents;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events one configuration defined: as if its line had been written to {@code kprobe_events}
 * (then, when asked, its events enabled), and later disabled and cleared again. A refused line
 * is logged with the kernel's error_log text and changes nothing.
 */
final class ConfiguredDefinition {

    private static final System.Logger LOG = System.getLogger("io.kprobelab.kprobes.events");

    private final ProbeEvents events;
    private final String source;
    private final List<String> added = new ArrayList<>();

    private ConfiguredDefinition(ProbeEvents events, String source) {
        this.events = events;
        this.source = source;
    }

    /**
     * Writes {@code definition} to {@code kprobe_events} and enables what it defined when
     * {@code enabled}; {@code source} names the configuration in log lines.
     */
    static ConfiguredDefinition apply(ProbeEvents events, String source, String definition, boolean enabled) {
        ConfiguredDefinition d = new ConfiguredDefinition(events, source);
        if (definition == null || definition.isBlank()) {
            LOG.log(Level.ERROR, source + ": no definition: nothing to do");
            return d;
        }
        List<String> before = events.names();
        try {
            events.add(definition.trim());
            for (String name : events.names()) {
                if (!before.contains(name)) {
                    d.added.add(name);
                    if (events instanceof KprobeEventsService s) {
                        s.own(name, source); // the shell may not remove it behind the file's back
                    }
                }
            }
            if (enabled) {
                for (String name : d.added) {
                    events.enable(name);
                }
            }
        } catch (ProbeEventException e) {
            LOG.log(Level.ERROR, source + ": probe event refused:\n"
                    + (e.errorLog().isEmpty() ? e.getMessage() : String.join("\n", e.errorLog())));
        }
        return d;
    }

    /**
     * How log lines name a configuration: the file FileInstall read it from, else its PID.
     */
    static String source(Map<String, ?> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            String f = file.toString();
            return f.startsWith("file:") ? f.substring("file:".length()) : f;
        }
        Object pid = properties.get("service.pid");
        return "configuration " + (pid == null ? "?" : pid);
    }

    /** Disables and removes the events this configuration defined. */
    void remove() {
        for (String name : added) {
            if (events instanceof KprobeEventsService s) {
                s.disown(name);
            }
            try {
                events.disable(name);
                events.remove(name);
            } catch (ProbeEventException e) {
                LOG.log(Level.WARNING, source + ": cannot remove probe event " + name + ": " + e.getMessage());
            }
        }
        added.clear();
    }

    /** The events defined (GRP/EVENT). */
    List<String> added() {
        return List.copyOf(added);
    }
}
