/**
 * The kprobes API, after {@code include/linux/kprobes.h}: register and unregister kprobes and
 * kretprobes (singly or in batches), enable and disable them, the global switch, and the views
 * ({@code kprobes/list}, {@code kprobes/blacklist}).
 *
 * <p>A probe is described by a {@link KprobeSpec} or {@link KretprobeSpec} (what a module fills in
 * {@code struct kprobe}); registering it gives a live {@link Kprobe} or {@link Kretprobe} whose
 * counters and flags the core maintains.
 */
@Export
@Version("1.2.0")
package io.kprobelab.kprobes;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
