/**
 * kprobe events, after {@code kernel/trace/trace_kprobe.c}: the tracefs surface
 * ({@link ProbeEvents}: {@code kprobe_events}, {@code enable}, {@code kprobe_profile},
 * {@code trace}, {@code trace_pipe}), the immutable model of a parsed definition
 * ({@link ProbeEventDefinition}, whose {@code toString()} is the {@code kprobe_events} read-back
 * line) and the refusal ({@link ProbeEventException}) with the kernel's error code, verbatim
 * message and caret position for {@code error_log}.
 */
@Export
@Version("1.0.0")
package io.kprobelab.kprobes.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
