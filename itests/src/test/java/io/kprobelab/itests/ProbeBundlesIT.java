package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.events.ProbeEvents;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Probe bundles and configured events on the booted guest kernel, in a real framework with the
 * packaged bundles: deployed and removed while the guest works, as kernel modules are loaded and
 * unloaded under load.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProbeBundlesIT {

    /** mkdir/rmdir pairs: a few seconds, so that the deploy and the removal land mid-run. */
    private static final int PAIRS = 200_000;

    /** A kretprobe on sys_nanosleep whose handlers print what they see (built at test time). */
    static final String SLEEP_PROBE = String.join("\n",
            "package itest.sleepret;",
            "import io.kprobelab.kprobes.KretprobeInstance;",
            "import io.kprobelab.kprobes.whiteboard.KretprobeHandlers;",
            "import io.kprobelab.machine.PtRegs;",
            "import java.io.PrintStream;",
            "import java.util.Hashtable;",
            "import org.osgi.framework.BundleActivator;",
            "import org.osgi.framework.BundleContext;",
            "public class Activator implements BundleActivator {",
            "  public void start(BundleContext ctx) {",
            "    PrintStream out = System.out;",
            "    Hashtable<String, Object> props = new Hashtable<>();",
            "    props.put(\"kprobe.symbol\", \"sys_nanosleep\");",
            "    ctx.registerService(io.kprobelab.kprobes.KretprobeHandler.class, new KretprobeHandlers() {",
            "      public int onEntry(KretprobeInstance ri, PtRegs regs) { out.println(\"sys_nanosleep entered\"); return 0; }",
            "      public void onReturn(KretprobeInstance ri, PtRegs regs) { out.println(\"sys_nanosleep returned \" + regs.returnValue()); }",
            "    }, props);",
            "  }",
            "  public void stop(BundleContext ctx) { }",
            "}",
            "");

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor processor;

    @Inject
    private Guest guest;

    @Inject
    private ProbeEvents events;

    @Inject
    private ConfigurationAdmin configurations;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("kprobelab.build.dir", "target"), "probe-bundles-it");
        Path sleepProbe = work.resolve("itest.sleepret.jar");
        Files.createDirectories(work);
        Files.deleteIfExists(sleepProbe);
        ProbeBundle.build(sleepProbe, work.resolve("sleepret-build"), "itest.sleepret", SLEEP_PROBE,
                "io.kprobelab.kprobes;version=\"[1.0,2)\",io.kprobelab.kprobes.whiteboard;version=\"[1.0,2)\","
                        + "io.kprobelab.machine;version=\"[1.0,2)\",org.osgi.framework;version=\"[1.8,2)\"");
        return options(
                RuntimeSupport.guestRuntime(),
                systemProperty("kprobelab.itest.sleep-probe.jar").value(sleepProbe.toString()),
                systemProperty("kprobelab.probe-mkdir-exit.jar").value(System.getProperty("kprobelab.probe-mkdir-exit.jar")));
    }

    private String shell(String command) throws Exception {
        return RuntimeSupport.run(processor, command, true);
    }

    @After
    public void cleanUp() throws Exception {
        for (String e : events.names()) {
            events.disable(e);
        }
        events.clear();
    }

    /** Output lines, written from any thread (the vCPU's, the test's). */
    static final class Lines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized boolean any(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    /** The guest's output with task numbers taken out (each run's pids are new ones). */
    private static List<String> withoutPids(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("\\[\\d+\\]", "[N]")).toList();
    }

    /**
     * mkdir-exit deployed after the workload started and removed before it ended, while a task
     * sleeps inside sys_nanosleep under a second probe bundle that is removed too: every return the
     * probe saw is right, the sleeper comes back through the trampoline as an orphan (its handler is
     * not called: the bundle is gone), the guest's output is the unprobed run's, the event that ran
     * all along counted every call, and nothing is left registered.
     */
    @Test
    public void probeBundles_deployedAndRemovedMidRun_orphansReturn_countsAddUp_nothingLeaks() throws Exception {
        List<String> program = List.of("sleep", "5000", "&", "mkdirbench", Integer.toString(PAIRS));
        Lines plain = new Lines();
        ProgramResult unprobed = guest.run("sh", program, plain::write);
        assertEquals(0, unprobed.status());
        assertTrue(plain.lines().toString(), plain.any("sleep[") && plain.any("mkdirbench: " + PAIRS));

        events.add("r:mkret sys_mkdir $retval");
        events.enable("mkret");
        Lines console = new Lines();
        Lines printed = new Lines();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8)); // what handlers print
        Bundle sleepProbe = null;
        Bundle mkdirExit = null;
        try {
            sleepProbe = context.installBundle(Path.of(System.getProperty("kprobelab.itest.sleep-probe.jar")).toUri().toString());
            sleepProbe.start();
            CompletableFuture<ProgramResult> run = CompletableFuture.supplyAsync(() -> guest.run("sh", program, console::write));
            await("the sleeper inside sys_nanosleep", () -> printed.any("sys_nanosleep entered"));

            mkdirExit = context.installBundle(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")).toUri().toString());
            mkdirExit.start();
            await("a return seen by mkdir-exit", () -> printed.any("sys_mkdir exited"));
            mkdirExit.uninstall();
            sleepProbe.uninstall();
            assertFalse("the workload ended before the removal: make it longer", console.any("mkdirbench: "));

            ProgramResult r = run.get(120, TimeUnit.SECONDS);
            assertEquals(0, r.status());
        } finally {
            System.setOut(saved);
            for (Bundle b : new Bundle[] {sleepProbe, mkdirExit}) {
                if (b != null && b.getState() != Bundle.UNINSTALLED) {
                    b.uninstall();
                }
            }
        }

        assertEquals(withoutPids(plain.lines()), withoutPids(console.lines()));
        long returns = 0;
        for (String line : printed.lines()) {
            if (line.startsWith("sys_mkdir exited, returned ")) {
                assertEquals("a wrong return value", "sys_mkdir exited, returned 0", line);
                returns++;
            } else {
                assertEquals("only the sleeper's entry; its return handler must not run after its bundle went",
                        "sys_nanosleep entered", line);
            }
        }
        assertTrue(returns + " returns seen", returns > 0 && returns < PAIRS);
        assertEquals(String.format("  %-44s %15d %15d", "mkret", PAIRS, 0), events.profile().get(0));

        events.disable("mkret");
        events.remove("mkret");
        assertEquals("no probe left behind", "", shell("kprobe:list"));
        assertEquals(List.of(0), guest.tasks().stream().map(t -> t.pid()).toList());
    }

    @Test
    public void throwingHandler_disablesItsProbe_andTheGuestCompletes() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("kprobe.symbol", "sys_mkdir");
        KretprobeHandler thrower = (ri, regs) -> {
            throw new IllegalStateException("itest: handler throws");
        };
        ServiceRegistration<KretprobeHandler> reg = context.registerService(KretprobeHandler.class, thrower, props);
        try {
            await("the probe planted", () -> {
                try {
                    return shell("kprobe:list").contains("sys_mkdir");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Lines console = new Lines();
            ProgramResult r = guest.run("mkdirbench", List.of("50"), console::write);
            assertEquals(0, r.status());
            assertEquals(List.of("mkdirbench: 50 mkdir/rmdir pairs"), console.lines());
            assertTrue(shell("kprobe:list"), shell("kprobe:list").matches("[0-9a-f]{16}  r  sys_mkdir\\+0x0 +\\[DISABLED\\]\n?"));
        } finally {
            reg.unregister();
        }
        assertEquals("", shell("kprobe:list"));
    }

    /**
     * A handler's service goes away while that handler runs (its bundle stopping mid-call): the
     * unregistration waits for the call to finish (stop-machine parks the vCPU only after it),
     * then the guest goes on with the probe gone.
     */
    @Test
    public void handlerUnregisteredMidCall_waitsForTheCall_andTheGuestGoesOn() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("kprobe.symbol", "sys_mkdir");
        KretprobeHandler slow = (ri, regs) -> {
            if (calls.incrementAndGet() == 1) {
                inside.countDown();
                try {
                    release.await(); // well under the watchdog's threshold
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        };
        ServiceRegistration<KretprobeHandler> reg = context.registerService(KretprobeHandler.class, slow, props);
        await("the probe planted", () -> {
            try {
                return shell("kprobe:list").contains("sys_mkdir");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Lines console = new Lines();
        // Threads of their own: with one core to spare, the common pool could run them one after the other.
        CompletableFuture<ProgramResult> run = new CompletableFuture<>();
        Thread runner = new Thread(() -> run.complete(guest.run("mkdirbench", List.of("20"), console::write)));
        runner.start();
        assertTrue("the handler was never called", inside.await(60, TimeUnit.SECONDS));
        java.util.concurrent.atomic.AtomicBoolean unregistered = new java.util.concurrent.atomic.AtomicBoolean();
        Thread unregistering = new Thread(() -> {
            reg.unregister();
            unregistered.set(true);
        });
        unregistering.start();
        // Evidence that the race is entered: the unregistration waits in stop-machine for the vCPU
        // the handler holds (not merely not started yet, or blocked elsewhere).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!waitingInStopMachine(unregistering)) {
            assertFalse("unregistering finished while the handler was still running", unregistered.get());
            assertTrue("the unregistration did not reach stop-machine within 60 s: " + unregistering.getState(),
                    System.nanoTime() < deadline);
            Thread.sleep(1);
        }
        assertFalse("unregistering finished while the handler was still running", unregistered.get());
        release.countDown();
        unregistering.join(60_000);
        assertTrue(unregistered.get());
        ProgramResult r = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.status());
        assertEquals(List.of("mkdirbench: 20 mkdir/rmdir pairs"), console.lines());
        assertEquals("no probe left", "", shell("kprobe:list"));
        assertTrue(calls.get() + " calls", calls.get() >= 1 && calls.get() < 20);
    }

    /** Whether {@code t} is waiting inside the machine's stop-machine barrier. */
    private static boolean waitingInStopMachine(Thread t) {
        return t.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("stopMachine"));
    }

    /**
     * Events from configurations (as FileInstall makes them of config/ files, in both naming
     * forms) appear with them and go with them; a refused definition changes nothing.
     */
    @Test
    public void configuredEvents_appearAndDisappear_aBadOneChangesNothing() throws Exception {
        events.add("p:kept sys_mkdir");
        org.osgi.service.cm.Configuration factory = configurations.createFactoryConfiguration("io.kprobelab.event", "?");
        org.osgi.service.cm.Configuration bad = configurations.getConfiguration("io.kprobelab.event~bad", "?");
        org.osgi.service.cm.Configuration named = configurations.getConfiguration("io.kprobelab.event~named", "?");
        try {
            factory.update(new Hashtable<>(Map.of("definition", "r:cfgret sys_mkdir $retval", "enabled", "true")));
            // Configuration events reach a listener in order: once named is there, bad has been refused.
            bad.update(new Hashtable<>(Map.of("definition", "p:bad no_such_function", "enabled", "true")));
            named.update(new Hashtable<>(Map.of("definition", "p:named do_mkdirat dfd=%di")));
            await("both configured events", () -> events.names().containsAll(List.of("kprobes/cfgret", "kprobes/named")));
            assertEquals(Set.of("p:kprobes/kept sys_mkdir", "r1:kprobes/cfgret sys_mkdir arg1=$retval",
                    "p:kprobes/named do_mkdirat dfd=%di"), Set.copyOf(events.events()));
            assertTrue(events.isEnabled("cfgret"));
            assertFalse(events.isEnabled("named"));

            ProgramResult r = guest.run("mkdir", List.of("/configured"), b -> { });
            assertEquals(0, r.status());
            assertEquals(String.format("  %-44s %15d %15d", "cfgret", 1, 0), events.profile().stream()
                    .filter(l -> l.contains("cfgret")).findFirst().orElseThrow());
        } finally {
            factory.delete();
            named.delete();
            bad.delete();
        }
        await("the configured events gone", () -> events.names().equals(List.of("kprobes/kept")));
        assertEquals(List.of("p:kprobes/kept sys_mkdir"), events.events());
    }
}
