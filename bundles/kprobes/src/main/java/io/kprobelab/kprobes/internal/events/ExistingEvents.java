package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventDefinition;
import java.util.List;

/**
 * The events that already exist, which decide whether a definition appends a probe to an event
 * (same arguments), clashes with it (DIFF_PROBE_TYPE, DIFF_ARG_TYPE, SAME_PROBE) or with another
 * kind of event (EVENT_EXIST).
 */
public interface ExistingEvents {

    /** No events at all. */
    ExistingEvents NONE = (group, event) -> List.of();

    /** The probes of kprobe event {@code group/event} in the order they were added; empty if none. */
    List<ProbeEventDefinition> probesOf(String group, String event);

    /** True when {@code group/event} is taken by an event that is not a kprobe event (a tracepoint...). */
    default boolean isOtherEvent(String group, String event) {
        return false;
    }
}
