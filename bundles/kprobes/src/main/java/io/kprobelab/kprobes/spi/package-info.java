/**
 * The contract between the generic kprobes core and an architecture bundle, after the
 * {@code arch_*} hooks of {@code include/linux/kprobes.h}.
 *
 * <table>
 * <caption>Kernel names</caption>
 * <tr><th>here</th><th>kernel</th></tr>
 * <tr><td>{@link ArchKprobes#prepareKprobe}</td><td>{@code arch_prepare_kprobe}</td></tr>
 * <tr><td>{@link ArchKprobes#armKprobe}</td><td>{@code arch_arm_kprobe}</td></tr>
 * <tr><td>{@link ArchKprobes#disarmKprobe}</td><td>{@code arch_disarm_kprobe}</td></tr>
 * <tr><td>{@link ArchKprobes#removeKprobe}</td><td>{@code arch_remove_kprobe}</td></tr>
 * <tr><td>{@link ArchKprobes#prepareKretprobe}</td><td>{@code arch_prepare_kretprobe}</td></tr>
 * <tr><td>{@link ArchKprobes#withinBlacklist}</td><td>{@code arch_within_kprobe_blacklist}</td></tr>
 * <tr><td>{@link ArchKprobes#populateBlacklist}</td><td>{@code arch_populate_kprobe_blacklist}</td></tr>
 * <tr><td>{@link ArchKprobes#initKprobes}</td><td>{@code arch_init_kprobes}</td></tr>
 * <tr><td>{@link KprobesCore#getKprobe}</td><td>{@code get_kprobe}</td></tr>
 * <tr><td>{@link ProbePoint#runPreHandlers}</td><td>{@code p->pre_handler} (or {@code aggr_pre_handler})</td></tr>
 * <tr><td>{@link KprobesCore#preHandlerKretprobe}</td><td>{@code pre_handler_kretprobe}</td></tr>
 * </table>
 */
@Export
@Version("1.1.0")
package io.kprobelab.kprobes.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
