/**
 * kprobe_events: the definition parser and the fetch-argument engine, after
 * {@code kernel/trace/trace_kprobe.c}, {@code trace_probe.c} and {@code trace_probe_tmpl.h}.
 *
 * <p>Wiring: implement {@link io.kprobelab.kprobes.internal.events.ProbeSites} (kallsyms and what
 * registering would answer) and {@link io.kprobelab.kprobes.internal.events.ExistingEvents} (the
 * events defined so far), then feed each written line to
 * {@link io.kprobelab.kprobes.internal.events.ProbeEventParser#parse}. A
 * {@link io.kprobelab.kprobes.internal.events.ProbeEvent} is a probe to register (its
 * definition's {@code toString()} is the read-back line); at each hit, call
 * {@link io.kprobelab.kprobes.internal.events.ProbeEvent#appendArgs} with a
 * {@link io.kprobelab.kprobes.internal.events.FetchContext} for the trace line's arguments.
 */
package io.kprobelab.kprobes.internal.events;
