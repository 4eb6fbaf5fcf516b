/**
 * The trace buffer of kprobe events, after {@code kernel/trace/trace.c} and
 * {@code trace_output.c}: a bounded ring of raw entries recorded on the vCPU thread at hit time,
 * the saved command lines ({@code saved_cmdlines}), and the ftrace text formats applied at read
 * time ({@code trace} with its header, {@code trace_pipe}). Not exported.
 */
package io.kprobelab.kprobes.internal.trace;
