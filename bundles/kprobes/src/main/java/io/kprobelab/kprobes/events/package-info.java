/**
 * kprobe_events definitions, after {@code kernel/trace/trace_kprobe.c}: the immutable model of a
 * parsed definition ({@link ProbeEventDefinition}, whose {@code toString()} is the
 * {@code kprobe_events} read-back line) and the parse error ({@link ProbeEventException}) with the
 * kernel's error code, verbatim message and caret position for {@code error_log}.
 */
@Export
@Version("1.0.0")
package io.kprobelab.kprobes.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
