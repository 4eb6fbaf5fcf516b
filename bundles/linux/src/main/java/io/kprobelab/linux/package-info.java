/**
 * A real Linux kernel as a KprobeLab guest: its images ({@code vmlinux} ELF and {@code bzImage}),
 * its symbols ({@code .symtab}, {@code System.map} or its own kallsyms table), its BTF, and the
 * x86 64-bit boot protocol that starts it on a {@link io.kprobelab.machine.Machine}.
 */
@Export
@Version("0.1.0")
package io.kprobelab.linux;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
