/**
 * x86-64 instruction decoder, Intel-syntax formatter and a small encoder.
 *
 * <p>Shared by the CPU interpreter and the kprobes arch code, as the kernel shares
 * {@code arch/x86/lib/insn.c} between its users. The decoder gives the structure of an
 * instruction (prefixes, opcode map, ModRM/SIB, displacement, immediates and the exact
 * length); the formatter prints it the way {@code objdump -d -M intel} does.
 */
@Export
@Version("1.0.0")
package io.kprobelab.x86;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
