package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.spi.ArchKprobes;
import io.kprobelab.kprobes.spi.ArchProbeHandlers;
import io.kprobelab.kprobes.spi.BlacklistRange;
import io.kprobelab.machine.kernel.TextRange;
import io.kprobelab.kprobes.spi.KprobesCore;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.kprobes.spi.RetprobeSlot;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The generic kprobes core ({@code kernel/kprobes.c}): registration and its checks, the probe
 * table with aggregation, enable/disable and the global switch, kretprobe instances, the views.
 * Mechanism is delegated to {@link ArchKprobes}.
 *
 * <p>Registration runs under one lock ({@code kprobe_mutex}); text changes go through the
 * machine's stop-machine barrier; the trap path reads the probe table without locking.
 */
@Component(service = KprobeRegistry.class, immediate = true, configurationPid = KprobesService.PID)
@Designate(ocd = KprobesService.Config.class)
public final class KprobesService implements KprobeRegistry, KprobesCore {

    /** The configuration PID. */
    public static final String PID = "io.kprobelab.kprobes";

    /** Settings of the kprobes core. */
    @ObjectClassDefinition(name = "KprobeLab kprobes", description = "The generic kprobes core")
    public @interface Config {
        /** Which generation of the mechanism runs. */
        @AttributeDefinition(description = "Generation of the kprobes mechanism, as kprobe:generation "
                + "names it (help kprobe:generation lists them). Empty: the framework property "
                + "kprobes.generation, else 2005. A change while probes are registered is refused "
                + "(EBUSY, logged), as kprobe:generation refuses it; the running probes stay.")
        String generation() default "";

        /** The global switch. */
        @AttributeDefinition(description = "Arm registered probes (kprobes/enabled)")
        boolean enabled() default true;

        /** Default maxactive rule. */
        @AttributeDefinition(description = "The guest kernel is preemptible (CONFIG_PREEMPT): default "
                + "maxactive is max(10, 2 * CPUs) rather than CPUs. KprobeLab's guest kernel is not "
                + "(it switches tasks only when they block or return to user mode), nor is bare mode.")
        boolean preemptible() default false;

        /** The handler watchdog. */
        @AttributeDefinition(description = "A probe handler still running after this many milliseconds of host "
                + "time is reported as a soft lockup (with its vCPU's stack) and its probe disabled; 0: no watchdog")
        long watchdog_threshold_ms() default DEFAULT_WATCHDOG_MS;
    }

    /** Handlers run for microseconds; two seconds is a stall, never a slow call. */
    public static final long DEFAULT_WATCHDOG_MS = 2000;

    private static final System.Logger LOG = System.getLogger("io.kprobelab.kprobes");

    private final Machine machine;
    private final ArchKprobes arch;
    private volatile boolean preemptible;
    private final Object lock = new Object();
    private final ProbeTable table = new ProbeTable();
    private final KretprobeInstanceTable instances = new KretprobeInstanceTable();
    private final ExecutorService deferred = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kprobes-deferred");
        t.setDaemon(true);
        return t;
    });
    private final ProbePointImpl.HandlerGuard guard = new Guard();
    private final HandlerWatchdog watchdog = new HandlerWatchdog(DEFAULT_WATCHDOG_MS, this::stalled);
    private volatile Generation generation;
    private volatile boolean enabled = true;
    private final List<KprobeImpl> userProbes = new ArrayList<>();

    /**
     * A core for {@code machine}, with its mechanism in {@code arch}.
     *
     * @param preemptible whether the guest kernel is preemptible: decides the default
     *                    {@code maxactive} by the 2005 rule
     */
    public KprobesService(Machine machine, ArchKprobes arch, Generation generation, boolean preemptible)
            throws KprobeException {
        this.machine = machine;
        this.arch = arch;
        this.generation = generation;
        this.preemptible = preemptible;
        arch.initKprobes(this);
        synchronized (lock) {
            installFlushHook();
        }
        AutoCloseable sub = null;
        try {
            sub = machine.onImageLoaded(this::imageLoaded);
        } catch (UnsupportedOperationException e) {
            // a machine that never reloads
        }
        imageSubscription = sub;
    }

    private final AutoCloseable imageSubscription;

    /** The DS constructor: generation from configuration, else the framework property, else 2005. */
    @Activate
    public KprobesService(@Reference Machine machine, @Reference ArchKprobes arch, Config config,
                          BundleContext context) throws KprobeException {
        this(machine, arch, Generation.of(configuredGeneration(config, context)), config.preemptible());
        enabled = config.enabled();
        watchdog.threshold(config.watchdog_threshold_ms());
        this.config = config;
    }

    /** The configuration last applied (null when built without one). */
    private Config config;

    /** The generation a configuration asks for: its own, else the framework property, else 2005. */
    private static String configuredGeneration(Config config, BundleContext context) {
        return !config.generation().isEmpty() ? config.generation()
                : Optional.ofNullable(context == null ? null : context.getProperty("kprobes.generation"))
                        .orElse(Generation.G2005.label());
    }

    /**
     * {@code config/io.kprobelab.kprobes.cfg} changed (or went away): apply what changed to the
     * running core, which stays, with its probes and every event built on it. Without this, DS
     * would deactivate the core and activate a new one, and every probe event defined in the shell
     * would be gone. A generation switch follows {@code kprobe:generation}'s rule: refused with
     * EBUSY while probes are registered; the refusal is logged in one line and the running
     * generation stays.
     */
    @Modified
    void modified(Config next, BundleContext context) {
        Config prev = config;
        config = next;
        if (prev == null || prev.enabled() != next.enabled()) {
            setEnabled(next.enabled());
        }
        if (prev == null || prev.watchdog_threshold_ms() != next.watchdog_threshold_ms()) {
            watchdog.threshold(next.watchdog_threshold_ms());
        }
        preemptible = next.preemptible();
        String wanted = configuredGeneration(next, context);
        if (prev != null && wanted.equals(configuredGeneration(prev, context))) {
            return; // the generation setting did not change: kprobe:generation's choice stands
        }
        try {
            setGeneration(Generation.of(wanted));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "configuration " + PID + ": " + e.getMessage() + "; generation "
                    + generation.label() + " stays");
        } catch (KprobeException e) {
            LOG.log(Level.WARNING, "configuration " + PID + ": generation=" + wanted + " refused: " + e.getMessage()
                    + "; generation " + generation.label() + " stays (unregister the probes first)");
        }
    }

    /** Sets the handler watchdog's threshold in milliseconds (0: off). */
    public void watchdogThreshold(long millis) {
        watchdog.threshold(millis);
    }

    /** Unregisters everything and releases the arch. */
    @Deactivate
    public void close() {
        if (imageSubscription != null) {
            try {
                imageSubscription.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "cannot stop listening for image loads: " + e);
            }
        }
        synchronized (lock) {
            for (KprobeImpl kp : new ArrayList<>(userProbes)) {
                try {
                    if (kp.kretprobe != null) {
                        unregisterKretprobe(kp.kretprobe);
                    } else {
                        unregisterKprobe(kp);
                    }
                } catch (IllegalStateException e) {
                    LOG.log(Level.ERROR, "kprobes: " + kp + " left registered: " + e.getMessage());
                }
            }
            closeFlushHook();
            arch.exitKprobes();
        }
        deferred.shutdown();
        watchdog.close();
    }

    // ---- KprobeRegistry ----

    @Override
    public Kprobe registerKprobe(KprobeSpec spec) throws KprobeException {
        checkMachineCanStop();
        synchronized (lock) {
            long addr = resolve(spec);
            checkAddressSafe(addr);
            Symbol sym = symbols().symbolAt(addr).orElse(null);
            KprobeImpl kp = new KprobeImpl(spec, addr, sym == null ? null : sym.name(),
                    sym == null ? 0 : addr - sym.address(), null);
            addProbe(kp);
            return kp;
        }
    }

    @Override
    public void unregisterKprobe(Kprobe p) {
        checkMachineCanStopUnchecked();
        synchronized (lock) {
            KprobeImpl kp = (KprobeImpl) p;
            if (!kp.registered) {
                return;
            }
            removeProbe(kp);
        }
    }

    @Override
    public List<Kprobe> registerKprobes(List<KprobeSpec> specs) throws KprobeException {
        checkMachineCanStop();
        if (specs.isEmpty()) {
            throw new KprobeException(Errno.EINVAL, "no probes given");
        }
        synchronized (lock) {
            List<Kprobe> done = new ArrayList<>();
            try {
                for (KprobeSpec s : specs) {
                    done.add(registerKprobe(s));
                }
            } catch (KprobeException e) {
                unregisterKprobes(done);
                throw e;
            }
            return done;
        }
    }

    @Override
    public void unregisterKprobes(List<Kprobe> probes) {
        checkMachineCanStopUnchecked();
        synchronized (lock) {
            for (Kprobe p : probes) {
                unregisterKprobe(p);
            }
        }
    }

    @Override
    public Kretprobe registerKretprobe(KretprobeSpec spec) throws KprobeException {
        checkMachineCanStop();
        synchronized (lock) {
            long addr = resolve(spec.kp());
            checkAddressSafe(addr);
            Symbol fn = symbols().symbolAt(addr).orElse(null);
            if (fn == null || fn.address() != addr) {
                throw new KprobeException(Errno.EINVAL, describe(addr) + " is not a function entry");
            }
            if (spec.dataSize() < 0 || spec.dataSize() > KretprobeSpec.MAX_DATA_SIZE) {
                throw new KprobeException(Errno.E2BIG, "data_size " + spec.dataSize() + " is over "
                        + KretprobeSpec.MAX_DATA_SIZE + " bytes");
            }
            int maxactive = spec.maxactive() > 0 ? spec.maxactive() : defaultMaxactive();
            KretprobeImpl rp = new KretprobeImpl(spec, maxactive);
            KprobeImpl kp = new KprobeImpl(spec.kp(), addr, fn.name(), 0, rp);
            rp.kp = kp;
            addProbe(kp);
            return rp;
        }
    }

    @Override
    public void unregisterKretprobe(Kretprobe r) {
        checkMachineCanStopUnchecked();
        synchronized (lock) {
            KretprobeImpl rp = (KretprobeImpl) r;
            if (!rp.kp.registered) {
                return;
            }
            removeProbe(rp.kp);
            // In-flight calls still return through the trampoline; their handler is skipped.
            instances.orphan(rp);
            rp.orphanAll();
        }
    }

    @Override
    public List<Kretprobe> registerKretprobes(List<KretprobeSpec> specs) throws KprobeException {
        checkMachineCanStop();
        if (specs.isEmpty()) {
            throw new KprobeException(Errno.EINVAL, "no kretprobes given");
        }
        synchronized (lock) {
            List<Kretprobe> done = new ArrayList<>();
            try {
                for (KretprobeSpec s : specs) {
                    done.add(registerKretprobe(s));
                }
            } catch (KprobeException e) {
                unregisterKretprobes(done);
                throw e;
            }
            return done;
        }
    }

    @Override
    public void unregisterKretprobes(List<Kretprobe> rps) {
        checkMachineCanStopUnchecked();
        synchronized (lock) {
            for (Kretprobe rp : rps) {
                unregisterKretprobe(rp);
            }
        }
    }

    @Override
    public void enableKprobe(Kprobe p) throws KprobeException {
        checkMachineCanStop();
        synchronized (lock) {
            KprobeImpl kp = (KprobeImpl) p;
            if (!kp.registered || kp.gone) {
                throw new KprobeException(Errno.EINVAL, kp + " is not registered");
            }
            kp.disabled = false;
            kp.failure = null;
            syncArm(table.get(kp.addr));
        }
    }

    @Override
    public void disableKprobe(Kprobe p) throws KprobeException {
        checkMachineCanStop();
        synchronized (lock) {
            KprobeImpl kp = (KprobeImpl) p;
            if (!kp.registered) {
                throw new KprobeException(Errno.EINVAL, kp + " is not registered");
            }
            kp.disabled = true;
            syncArm(table.get(kp.addr));
        }
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean on) {
        checkMachineCanStopUnchecked();
        synchronized (lock) {
            enabled = on;
            for (ProbePointImpl site : table.all()) {
                syncArm(site);
            }
        }
    }

    @Override
    public Generation generation() {
        return generation;
    }

    @Override
    public boolean preemptible() {
        return preemptible;
    }

    @Override
    public void setGeneration(Generation g) throws KprobeException {
        synchronized (lock) {
            if (g == generation) {
                return;
            }
            if (!userProbes.isEmpty()) {
                throw new KprobeException(Errno.EBUSY, "cannot switch to generation " + g.label()
                        + " while " + userProbes.size() + " probe(s) are registered");
            }
            arch.exitKprobes();
            generation = g;
            arch.initKprobes(this);
        }
    }

    @Override
    public List<String> list() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            List<ProbePointImpl> sites = table.all();
            sites.sort(Comparator.comparing(ProbePointImpl::addr, Long::compareUnsigned));
            for (ProbePointImpl site : sites) {
                for (KprobeImpl kp : site.children()) {
                    if (!kp.internal) {
                        out.add(reportProbe(kp));
                    }
                }
            }
            return out;
        }
    }

    /** One line of {@code kprobes/list}, as {@code report_probe} prints it. */
    private String reportProbe(KprobeImpl kp) {
        String flags = (kp.gone ? "[GONE]" : "") + (kp.disabled && !kp.gone ? "[DISABLED]" : "");
        Optional<Symbol> sym = symbols().symbolAt(kp.addr);
        if (sym.isPresent()) {
            return String.format("%016x  %c  %s+0x%x  %s %s", kp.addr, kp.type(), sym.get().name(),
                    kp.addr - sym.get().address(), " ", flags);
        }
        return String.format("%016x  %c  0x%x %s", kp.addr, kp.type(), kp.addr, flags);
    }

    @Override
    public List<String> blacklist() {
        List<String> out = new ArrayList<>();
        for (BlacklistRange r : blacklistRanges()) {
            out.add(r.toString());
        }
        return out;
    }

    @Override
    public long[] stackTrace(PtRegs regs, int max) {
        return arch.stackTrace(regs, max);
    }

    // ---- KprobesCore ----

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public ProbePoint getKprobe(long addr) {
        return table.get(addr);
    }

    @Override
    public ProbePoint registerArchProbe(long addr, ArchProbeHandlers handlers) throws KprobeException {
        checkMachineCanStop();
        synchronized (lock) {
            if (table.get(addr) != null) {
                throw new KprobeException(Errno.EEXIST, describe(addr) + " is already probed");
            }
            ProbePointImpl site = new ProbePointImpl(addr, handlers);
            arch.prepareKprobe(site);
            install(site);
            return site;
        }
    }

    @Override
    public void unregisterArchProbe(ProbePoint p) {
        synchronized (lock) {
            ProbePointImpl site = (ProbePointImpl) p;
            if (table.get(site.addr()) == site) {
                uninstall(site);
            }
        }
    }

    @Override
    public void walkKretprobeInstances(long task, InstanceVisitor visitor) {
        instances.walk(task, visitor);
    }

    @Override
    public void callKretprobeHandler(RetprobeSlot r, PtRegs regs) {
        RetprobeSlotImpl ri = (RetprobeSlotImpl) r;
        KretprobeImpl rp = ri.rp;
        // A probe shut off for a failing or stalled handler runs none of its handlers again.
        if (rp == null || rp.kp.gone || rp.kp.failure != null) {
            return;
        }
        KretprobeHandler h = rp.spec.handler();
        if (h == null) {
            return;
        }
        HandlerWatchdog.Activity a = watchdog.enter(rp.kp, "return handler");
        try {
            h.handle(ri, regs);
        } catch (Throwable t) {
            fail(rp.kp, "return handler", t);
        } finally {
            HandlerWatchdog.exit(a);
        }
    }

    @Override
    public void recycleKretprobeInstance(RetprobeSlot r) {
        RetprobeSlotImpl ri = (RetprobeSlotImpl) r;
        instances.remove(ri);
        if (ri.rp != null) {
            ri.rp.giveBack(ri);
        } else {
            ri.owner.orphanReturned();
        }
    }

    @Override
    public void countReturnTrap(RetprobeSlot r, int vector) {
        KretprobeImpl owner = ((RetprobeSlotImpl) r).owner;
        if (vector >= 0 && vector < 32) {
            owner.returnTraps.incrementAndGet(vector);
        }
    }

    @Override
    public void flushTask(long task) {
        instances.walk(task, ri -> {
            if (generation == Generation.G2005) {
                // 2005's arch_kprobe_flush_task puts the real return address back on the stack.
                try {
                    machine.memory().writeU64(ri.stackAddr(), ri.retAddr());
                } catch (MemoryFault e) {
                    LOG.log(Level.WARNING, "kprobe_flush_task: cannot restore return address: " + e.getMessage());
                }
            }
            recycleKretprobeInstance(ri);
            return true;
        });
    }

    /** In-flight instances in the table (for tests and views). */
    public int instancesInFlight() {
        return instances.size();
    }

    /**
     * A new image replaced guest memory (a boot or a bare load): every breakpoint, slot and the
     * trampoline went with the old one. Forget them without touching memory, set the arch up
     * again, and re-plant each registered probe where its symbol now is; a probe whose place is
     * gone is marked {@code GONE}, as the kernel marks probes of an unloaded module.
     */
    private void imageLoaded() {
        synchronized (lock) {
            for (ProbePointImpl site : table.all()) {
                site.armed = false;
            }
            table.clear();
            instances.drain(ri -> {
                if (ri.rp != null) {
                    ri.rp.giveBack(ri);
                } else {
                    ri.owner.orphanReturned();
                }
            });
            arch.exitKprobes();
            arch.imageReloaded();
            try {
                arch.initKprobes(this);
            } catch (KprobeException e) {
                LOG.log(Level.ERROR, "kprobes: cannot set up the arch on the new image: " + e.getMessage());
            }
            for (KprobeImpl kp : new ArrayList<>(userProbes)) {
                kp.detach();
                replant(kp);
            }
            flushHook = null; // the machine dropped its hooks with the old image
            installFlushHook();
        }
    }


    /** The machine's execution hook on the kernel's task-release function, or null (bare mode has no tasks to flush). */
    private AutoCloseable flushHook;

    /**
     * {@code kprobe_flush_task}, hooked where the kernel frees an exited task (its profile's
     * task-release function; the task is its first argument): the kretprobe instances the task
     * still holds, such as those of {@code do_exit} and of its last {@code schedule}, which never
     * return, are recycled before the task's memory can be reused by another task. Kernels since
     * 2.6.13 flush at that point (later in {@code delayed_put_task_struct}); flushing at exit, as
     * 2005 did, misses the final schedule.
     */
    private void installFlushHook() {
        Optional<String> release = machine.kernelProfile().taskReleaseFunction();
        if (flushHook != null || release.isEmpty()) {
            return;
        }
        Optional<Symbol> fn = symbols().lookup(release.get());
        if (fn.isEmpty()) {
            return;
        }
        try {
            // kprobe_flush_task is called by the kernel, not reached by a trap: a host execution
            // hook costs the guest no trap, so machine:traps counts only the probes' own
            flushHook = machine.onExecute(fn.get().address(), cpu -> flushTask(cpu.regs().argument(1)));
        } catch (UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "kprobes: cannot hook task release (" + fn.get().name() + "): " + e.getMessage());
        }
    }

    private void closeFlushHook() {
        if (flushHook != null) {
            try {
                flushHook.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "kprobes: removing the task-release hook: " + e);
            }
            flushHook = null;
        }
    }

    private void replant(KprobeImpl kp) {
        try {
            long addr = resolve(kp.spec);
            checkAddressSafe(addr);
            Symbol sym = symbols().symbolAt(addr).orElse(null);
            if (kp.kretprobe != null && (sym == null || sym.address() != addr)) {
                throw new KprobeException(Errno.EINVAL, describe(addr) + " is not a function entry");
            }
            kp.addr = addr;
            kp.symbol = sym == null ? null : sym.name();
            kp.offset = sym == null ? 0 : addr - sym.address();
            userProbes.remove(kp);
            addProbe(kp);
            kp.gone = false;
        } catch (KprobeException e) {
            kp.gone = true;
            LOG.log(Level.WARNING, "kprobes: " + kp + " is gone with the old image: " + e.getMessage());
        }
    }

    // ---- internals ----

    /** {@code pre_handler_kretprobe}. */
    private int preHandlerKretprobe(KprobeImpl kp, PtRegs regs) {
        KretprobeImpl rp = kp.kretprobe;
        RetprobeSlotImpl ri = rp.take();
        if (ri == null) {
            rp.nmissed.incrementAndGet();
            return 0;
        }
        KretprobeHandler entry = rp.spec.entryHandler();
        if (entry != null) {
            int r;
            HandlerWatchdog.Activity a = watchdog.enter(kp, "entry handler");
            try {
                r = entry.handle(ri, regs);
            } catch (Throwable t) {
                fail(kp, "entry handler", t);
                r = 1;
            } finally {
                HandlerWatchdog.exit(a);
            }
            if (r != 0) {
                rp.giveBack(ri);
                return 0;
            }
        }
        arch.prepareKretprobe(ri, regs);
        instances.add(ri);
        return 0;
    }

    private final class Guard implements ProbePointImpl.HandlerGuard {
        @Override
        public int pre(KprobeImpl kp, PtRegs regs) {
            kp.hits.incrementAndGet();
            if (kp.kretprobe != null) {
                return preHandlerKretprobe(kp, regs);
            }
            if (kp.spec.preHandler() == null) {
                return 0;
            }
            HandlerWatchdog.Activity a = watchdog.enter(kp, "pre-handler");
            try {
                return kp.spec.preHandler().handle(kp, regs);
            } catch (Throwable t) {
                fail(kp, "pre-handler", t);
                return 0;
            } finally {
                HandlerWatchdog.exit(a);
            }
        }

        @Override
        public void post(KprobeImpl kp, PtRegs regs) {
            HandlerWatchdog.Activity a = watchdog.enter(kp, "post-handler");
            try {
                kp.spec.postHandler().handle(kp, regs, 0);
            } catch (Throwable t) {
                fail(kp, "post-handler", t);
            } finally {
                HandlerWatchdog.exit(a);
            }
        }
    }

    /**
     * A handler threw: the probe is shut off (disabled, with the failure recorded) and the guest
     * goes on as if it had not fired. Disarming needs stop-machine, so it is done off the vCPU.
     */
    private void fail(KprobeImpl kp, String which, Throwable t) {
        kp.failure = which + " threw " + t;
        kp.disabled = true;
        LOG.log(Level.ERROR, "kprobes: " + which + " of " + kp
                + (kp.spec.owner() != null ? " (" + kp.spec.owner() + ")" : "") + " threw; probe disabled", t);
        deferred.execute(() -> {
            synchronized (lock) {
                ProbePointImpl site = table.get(kp.addr);
                if (site != null) {
                    syncArm(site);
                }
            }
        });
    }

    @Override
    public void disableFromArch(ProbePoint p, String why) {
        if (!(p instanceof ProbePointImpl site)) {
            return;
        }
        for (KprobeImpl kp : site.children()) {
            kp.failure = why;
            kp.disabled = true;
            LOG.log(Level.ERROR, "kprobes: " + kp + " shut off: " + why);
        }
        deferred.execute(() -> {
            synchronized (lock) {
                if (table.get(site.addr()) == site) {
                    syncArm(site);
                }
            }
        });
    }

    /**
     * Every text change needs every vCPU parked (stop-machine), and a vCPU stuck in a handler
     * never parks: while the watchdog sees one, changes are refused at once instead of waiting
     * for ever.
     */
    private void checkMachineCanStop() throws KprobeException {
        String stuck = watchdog.stalled();
        if (stuck != null) {
            throw new KprobeException(Errno.EBUSY, "cannot change probes now: " + stuck
                    + " (watchdog), so the machine cannot stop until that handler returns");
        }
    }

    /** {@link #checkMachineCanStop} for the calls that declare no exception (unregistering). */
    private void checkMachineCanStopUnchecked() {
        try {
            checkMachineCanStop();
        } catch (KprobeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The watchdog found a handler of {@code kp} running too long: the probe is shut off as if it
     * had thrown. Its breakpoint stays planted until the next re-arm (disarming needs every vCPU
     * parked, and one is inside the handler); meanwhile its hits run no handler.
     */
    private void stalled(KprobeImpl kp, String which, long stuckMillis, Thread thread) {
        kp.failure = which + " ran for " + stuckMillis + " ms on " + thread.getName() + " (watchdog)";
        kp.disabled = true;
    }

    private void addProbe(KprobeImpl kp) throws KprobeException {
        ProbePointImpl site = table.get(kp.addr);
        if (site != null) {
            if (site.isArchProbe()) {
                throw new KprobeException(Errno.EINVAL, describe(kp.addr) + " is used by the kprobes machinery");
            }
            site.addChild(kp);
            kp.attach(site);
            userProbes.add(kp);
            syncArm(site);
            return;
        }
        site = new ProbePointImpl(kp.addr, guard);
        site.addChild(kp);
        kp.attach(site);
        arch.prepareKprobe(site);
        userProbes.add(kp);
        install(site);
    }

    private void removeProbe(KprobeImpl kp) {
        kp.registered = false;
        userProbes.remove(kp);
        ProbePointImpl site = table.get(kp.addr);
        if (site == null) {
            return;
        }
        site.removeChild(kp);
        kp.detach();
        if (site.children().length == 0) {
            uninstall(site);
        } else {
            syncArm(site);
        }
    }

    private void install(ProbePointImpl site) {
        boolean arm = site.isArchProbe() || (enabled && site.wanted());
        machine.stopMachine(() -> {
            table.put(site);
            if (arm) {
                arch.armKprobe(site);
                site.armed = true;
            }
        });
    }

    private void uninstall(ProbePointImpl site) {
        machine.stopMachine(() -> {
            if (site.armed) {
                arch.disarmKprobe(site);
                site.armed = false;
            }
            table.remove(site.addr());
        });
        arch.removeKprobe(site);
    }

    /** Plants or removes the breakpoint so it matches the probes' states and the global switch. */
    private void syncArm(ProbePointImpl site) {
        if (site == null || site.isArchProbe()) {
            return;
        }
        boolean want = enabled && site.wanted();
        if (want == site.armed) {
            return;
        }
        machine.stopMachine(() -> {
            if (want) {
                arch.armKprobe(site);
            } else {
                arch.disarmKprobe(site);
            }
            site.armed = want;
        });
    }

    private int defaultMaxactive() {
        int cpus = machine.vcpus().size();
        // 2005's register_kretprobe: max(10, 2 * NR_CPUS) with CONFIG_PREEMPT, else NR_CPUS.
        return preemptible ? Math.max(10, 2 * cpus) : cpus;
    }

    private SymbolTable symbols() {
        return machine.symbols();
    }

    private String describe(long addr) {
        return symbols().format(addr);
    }

    /** {@code kprobe_addr}: the address from an address, or a symbol and offset. */
    private long resolve(KprobeSpec spec) throws KprobeException {
        if (spec.symbolName() == null) {
            if (spec.addr() == 0) {
                throw new KprobeException(Errno.EINVAL, "neither a symbol nor an address given");
            }
            return spec.addr();
        }
        Symbol s = symbols().lookup(spec.symbolName())
                .orElseThrow(() -> new KprobeException(Errno.ENOENT, "no symbol '" + spec.symbolName() + "'"));
        if (spec.offset() < 0) {
            throw new KprobeException(Errno.EINVAL, "negative offset " + spec.offset() + " from " + s.name());
        }
        return s.address() + spec.offset();
    }

    /** {@code check_kprobe_address_safe}: in probeable text and not blacklisted. */
    private void checkAddressSafe(long addr) throws KprobeException {
        if (!inKernelText(addr)) {
            throw new KprobeException(Errno.EINVAL, describe(addr) + " is not in kernel text");
        }
        long[] kt = kprobesText();
        if (kt != null && Long.compareUnsigned(addr, kt[0]) >= 0 && Long.compareUnsigned(addr, kt[1]) < 0) {
            throw new KprobeException(Errno.EINVAL, describe(addr) + " is in .kprobes.text, which must not be probed");
        }
        for (BlacklistRange r : blacklistRanges()) {
            if (r.contains(addr)) {
                throw new KprobeException(Errno.EINVAL, describe(addr) + " is blacklisted (" + r.symbol() + ")");
            }
        }
        // text the kernel patches itself: jump labels, static calls, BUG() sites
        for (TextRange r : machine.kernelProfile().reserved()) {
            if (r.contains(addr)) {
                throw new KprobeException(Errno.EINVAL, describe(addr) + " is reserved by the kernel (" + r.name() + ")");
            }
        }
        if (arch.withinBlacklist(addr)) {
            throw new KprobeException(Errno.EINVAL, describe(addr) + " is blacklisted by the arch code");
        }
    }

    private boolean inKernelText(long addr) {
        for (TextRange r : machine.kernelProfile().text()) {
            if (r.contains(addr)) {
                return true;
            }
        }
        return false;
    }

    /** The blacklist: the kernel's own (its profile's), then the arch's ranges. */
    private List<BlacklistRange> blacklistRanges() {
        List<BlacklistRange> out = new ArrayList<>();
        for (TextRange r : machine.kernelProfile().blacklist()) {
            out.add(new BlacklistRange(r.start(), r.end(), r.name()));
        }
        out.addAll(arch.populateBlacklist());
        return out;
    }

    private long[] kprobesText() {
        Optional<Symbol> start = symbols().lookup("__kprobes_text_start");
        Optional<Symbol> end = symbols().lookup("__kprobes_text_end");
        if (start.isPresent() && end.isPresent()) {
            return new long[] {start.get().address(), end.get().address()};
        }
        return machine.image().map(i -> i.section(".kprobes.text")).orElse(null);
    }
}
