/**
 * Trap dispatch: the die-notifier chain.
 *
 * <p>Every trap a vCPU raises is offered, on the vCPU's thread, to the {@link
 * io.kprobelab.traps.DieNotifier} services in priority order, as the kernel's {@code
 * notify_die} walks its {@code die_chain}. The first notifier that answers {@link
 * io.kprobelab.traps.NotifyResult#STOP} consumes the trap; a trap nobody consumes is delivered
 * architecturally (through the guest IDT, or as an oops in bare mode).
 */
@Export
@Version("1.0.0")
package io.kprobelab.traps;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
