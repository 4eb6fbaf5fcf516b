/**
 * The emulated x86-64 machine: vCPUs, guest memory, traps, symbols, and ELF images.
 *
 * <p>Addresses are guest-virtual unless a name says physical. Pages are 4 KiB. Ranges are
 * given as a start and a length in bytes.
 */
@Export
@Version("1.3.0")
package io.kprobelab.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
