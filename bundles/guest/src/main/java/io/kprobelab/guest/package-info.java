/**
 * The KprobeLab guest kernel: the bundled image and the loader that boots it on a {@link
 * io.kprobelab.machine.Machine} as {@code bundles/guest/BOOT.md} section 3 specifies; and, in the
 * runtime, the booted guest as the {@link io.kprobelab.guest.Guest} service.
 */
@Export
@Version("1.3.0")
package io.kprobelab.guest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
