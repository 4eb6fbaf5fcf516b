package io.kprobelab.kprobes.internal.events;

/** A parsed kprobe_events line: a probe to add, or events to remove. */
public sealed interface ProbeEventCommand permits ProbeEvent, ProbeEventRemoval {
}
