/**
 * The probe whiteboard: a bundle registers a {@link io.kprobelab.kprobes.KprobePreHandler},
 * {@link io.kprobelab.kprobes.KprobePostHandler} or {@link io.kprobelab.kprobes.KretprobeHandler}
 * service with the properties of {@link KprobeProperties} naming the target, and the kprobes
 * bundle registers the probe for it, owned by the bundle's symbolic name; when the service goes
 * away (bundle stopped or uninstalled) the probe is unregistered, as a module's exit would.
 *
 * <p>One service object advertised as both pre- and post-handler gives one kprobe with both
 * handlers. A kretprobe handler that also needs an entry handler implements
 * {@link KretprobeHandlers}.
 */
@Export
@Version("1.0.0")
package io.kprobelab.kprobes.whiteboard;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
