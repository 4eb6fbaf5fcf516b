package io.kprobelab.traps.internal;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.traps.DieNotifier;
import io.kprobelab.traps.NotifyResult;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The kernel's {@code die_chain} and {@code notify_die}: the machine's {@link TrapSink}, offering
 * each trap to the {@link DieNotifier} services in priority order until one answers STOP.
 *
 * <p>The chain is a sorted array replaced on every change (copy on write), so the trap path
 * reads one volatile field and neither locks nor allocates, as the kernel walks its chain
 * under RCU.
 */
@Component(immediate = true, service = {})
public final class DieChain implements TrapSink {

    private static final System.Logger LOG = System.getLogger(DieChain.class.getName());

    /** One registered notifier with what orders it and names it in logs. */
    private record Entry(DieNotifier notifier, int priority, long serviceId, String owner, AtomicLong failures) {
    }

    /** Higher priority first; equal priorities in registration order (notifier_chain_register). */
    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt((Entry e) -> -e.priority).thenComparingLong(e -> e.serviceId);

    private static final Entry[] EMPTY = new Entry[0];

    private final Machine machine;
    private volatile Entry[] chain = EMPTY;

    /** Becomes the machine's trap sink. */
    @Activate
    public DieChain(@Reference(name = "machine") Machine machine) {
        this.machine = machine;
        machine.setTrapSink(this);
    }

    /** Stops receiving traps: they are delivered architecturally again. */
    @Deactivate
    public void deactivate() {
        machine.setTrapSink(null);
    }

    /** Adds a notifier ({@code register_die_notifier}). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, name = "notifiers", unbind = "removeNotifier", updated = "updatedNotifier")
    public synchronized void addNotifier(DieNotifier notifier, Map<String, Object> props) {
        Entry[] next = Arrays.copyOf(chain, chain.length + 1);
        next[chain.length] = new Entry(notifier, priority(props), serviceId(props), owner(notifier),
                new AtomicLong());
        Arrays.sort(next, ORDER);
        chain = next;
    }

    /** Re-sorts after a notifier's priority changed. */
    public synchronized void updatedNotifier(DieNotifier notifier, Map<String, Object> props) {
        removeNotifier(notifier, props);
        addNotifier(notifier, props);
    }

    /** Removes a notifier ({@code unregister_die_notifier}). */
    public synchronized void removeNotifier(DieNotifier notifier, Map<String, Object> props) {
        Entry[] cur = chain;
        for (int i = 0; i < cur.length; i++) {
            if (cur[i].notifier == notifier) {
                Entry[] next = new Entry[cur.length - 1];
                System.arraycopy(cur, 0, next, 0, i);
                System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
                chain = next;
                return;
            }
        }
    }

    /** {@code notify_die}: true when a notifier answered STOP. */
    @Override
    public boolean onTrap(Vcpu cpu, Trap trap) {
        for (Entry e : chain) {
            try {
                if (e.notifier.notify(cpu, trap) == NotifyResult.STOP) {
                    return true;
                }
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                failed(e, trap, t);
            }
        }
        return false;
    }

    /** How many notifiers are on the chain. */
    public int size() {
        return chain.length;
    }

    // Logged with its owner and treated as DONE; a notifier that fails on every trap is logged
    // at its 1st, 2nd, 4th, 8th... failure so a hot trap path cannot flood the log.
    private static void failed(Entry e, Trap trap, Throwable t) {
        long n = e.failures.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            LOG.log(Level.ERROR, "die notifier " + e.notifier.getClass().getName() + " from bundle " + e.owner
                    + " threw on " + trap.name() + " at 0x" + Long.toHexString(trap.address())
                    + " (failure " + n + "); treated as NOTIFY_DONE", t);
        }
    }

    private static int priority(Map<String, Object> props) {
        Object p = props == null ? null : props.get(DieNotifier.PRIORITY);
        if (p instanceof Number n) {
            return n.intValue();
        }
        if (p instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, "ignoring bad " + DieNotifier.PRIORITY + "=" + s);
            }
        }
        return DieNotifier.DEFAULT_PRIORITY;
    }

    private static long serviceId(Map<String, Object> props) {
        Object id = props == null ? null : props.get(Constants.SERVICE_ID);
        return id instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }

    private static String owner(DieNotifier notifier) {
        Bundle b = FrameworkUtil.getBundle(notifier.getClass());
        return b == null ? "(none)" : b.getSymbolicName() + " [" + b.getBundleId() + "]";
    }
}
