/**
 * The kernel running on the machine, as kprobes and the views see it: a {@link
 * io.kprobelab.machine.kernel.KernelProfile} per boot, read from the kernel itself (its symbols,
 * sections and structure layouts), with one implementation per kind of guest: the KprobeLab
 * guest, Linux, and bare mode.
 */
@Export
@Version("1.0.0")
package io.kprobelab.machine.kernel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
