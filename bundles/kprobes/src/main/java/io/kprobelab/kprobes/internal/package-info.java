/**
 * The generic kprobes core ({@code kernel/kprobes.c}): probe table, aggregation, kretprobe
 * instances, blacklist, registration. Not exported.
 */
package io.kprobelab.kprobes.internal;
