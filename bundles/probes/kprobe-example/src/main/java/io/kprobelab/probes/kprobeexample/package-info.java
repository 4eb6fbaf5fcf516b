/**
 * After the kernel's {@code samples/kprobes/kprobe_example.c}: pre- and post-handlers on a
 * configurable symbol printing the registers.
 */
package io.kprobelab.probes.kprobeexample;
