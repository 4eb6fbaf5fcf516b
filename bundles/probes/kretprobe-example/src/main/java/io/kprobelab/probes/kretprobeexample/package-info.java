/**
 * After the kernel's {@code samples/kprobes/kretprobe_example.c}: a kretprobe on a configurable
 * function that times each call with per-instance data.
 */
package io.kprobelab.probes.kretprobeexample;
