package io.kprobelab.launcher;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;

/**
 * {@code kprobelab [--elf FILE] [--generation NAME] [-q] [-c COMMAND]... [--script FILE]}: boots
 * the runtime the features describe, then runs the commands (exit 0 when all succeed, 1 at the
 * first failure, 2 for a bad command line) or opens the interactive shell.
 */
public final class Main {

    static final String MACHINE = "io.kprobelab.machine.Machine";
    static final String MACHINE_BUNDLE = "io.kprobelab.machine";
    static final String MACHINE_COMPONENT = "io.kprobelab.machine.internal.osgi.MachineService";
    static final String GUEST_BUNDLE = "io.kprobelab.guest";
    static final String GUEST_COMPONENT = "io.kprobelab.guest.internal.osgi.GuestService";
    static final String LINUX_BUNDLE = "io.kprobelab.linux";
    static final String LINUX_COMPONENT = "io.kprobelab.linux.internal.osgi.LinuxGuestService";

    /** What runs first on the guest (DESIGN.md section 6), once deploy/'s probes are in place. */
    static final String INIT = "guest:run init";

    /** How long to wait for the machine to boot an {@code --elf} or the bundled guest. */
    private static final long MACHINE_WAIT_NANOS = 10_000_000_000L;
    /** How long to wait for a Linux kernel to reach its shell (seconds of host time; the guest's own limit is virtual). */
    private static final long LINUX_WAIT_NANOS = 300_000_000_000L;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        CommandLine cl;
        List<Line> commands;
        try {
            cl = CommandLine.parse(args);
            commands = lines(cl);
        } catch (CommandLine.UsageException e) {
            err.println("kprobelab: " + e.getMessage());
            err.println(CommandLine.usage());
            return 2;
        }
        timing(err, "main() entered");
        if (cl.help()) {
            out.println(CommandLine.usage());
            out.flush();
            return 0;
        }
        // Before anything logs or boots: System.out/err as the bundles see them (-q, the console)
        ConsoleOutput[] system = ConsoleOutput.install();
        ConsoleOutput stdout = system[0];
        stdout.mute(cl.quiet());
        // One line per log record from bundles that use System.Logger / JUL.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "kprobelab: %4$s: %5$s%6$s%n");
        }
        if (cl.interactive() && !onTerminal() && System.getProperty("org.jline.terminal.dumb") == null) {
            // stdin is a pipe or a file: JLine would warn that it falls back to a dumb terminal
            System.setProperty("org.jline.terminal.dumb", "true");
        }
        Path home = Path.of(System.getProperty("kprobelab.home", System.getProperty("user.dir")))
                .toAbsolutePath().normalize();

        Boot boot;
        AtomicReference<Optional<String>> noGuest = new AtomicReference<>(
                Optional.of("the guest bundle is not installed"));
        try {
            // An --elf that cannot be booted stops the boot right after the machine's bundle
            // starts, before anything that needs the machine tries (and fails) again.
            boot = Boot.start(cl, home, cl.interactive(), err, (ctx, group) -> {
                if (cl.elf() != null && group.stream().anyMatch(b -> MACHINE_BUNDLE.equals(b.getSymbolicName()))) {
                    Optional<String> failure = awaitMachine(ctx);
                    if (failure.isPresent()) {
                        throw new Boot.BootFailure("cannot boot: " + failure.get());
                    }
                }
                // The guest boots on its own thread (SCR enables it asynchronously): wait, so that
                // the kprobes core, started next, finds the guest's symbols for deployed probes.
                if (cl.elf() == null && cl.linux() == null
                        && group.stream().anyMatch(b -> GUEST_BUNDLE.equals(b.getSymbolicName()))) {
                    noGuest.set(awaitComponent(ctx, GUEST_COMPONENT, "the guest kernel", MACHINE_WAIT_NANOS));
                }
                if (cl.linux() != null && group.stream().anyMatch(b -> LINUX_BUNDLE.equals(b.getSymbolicName()))) {
                    Optional<String> failed = awaitComponent(ctx, LINUX_COMPONENT, "the Linux guest", MACHINE_WAIT_NANOS);
                    noGuest.set(failed.isPresent() ? failed : awaitLinuxGuest(ctx));
                }
            });
        } catch (Boot.BootFailure e) {
            err.println("kprobelab: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("kprobelab: cannot start the runtime: " + e);
            return 1;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                boot.stop();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "kprobelab-shutdown"));
        try {
            reportFailedComponents(boot.context(), err);
            timing(err, "runtime ready");
            // Not in bare mode: init runs on the booted guest before the prompt or the first command
            // (the KprobeLab guest's init program; a Linux guest ran its own /init while booting).
            boolean guest = cl.elf() == null;
            boolean init = guest && cl.linux() == null;
            if (guest && noGuest.get().isPresent()) {
                err.println("kprobelab: no guest: " + noGuest.get().get());
                if (!cl.interactive()) {
                    return 1;
                }
                init = false;
            }
            if (init) {
                // -q: init's output (the runner's and the probes' on System.out) goes nowhere
                PrintStream initOut = cl.quiet() ? new PrintStream(OutputStream.nullOutputStream()) : out;
                try (CommandRunner runner = CommandRunner.open(boot.context(), initOut, err)) {
                    if (!runner.run(INIT) && !cl.interactive()) {
                        return 1; // a failed init is reported; the shell opens anyway
                    }
                }
                timing(err, "init done");
            }
            stdout.mute(false);
            if (cl.interactive()) {
                ServiceTrackerCloser lines = new ServiceTrackerCloser(ConsoleOutput.follow(boot.context(), system));
                try (lines) {
                    boot.startConsole();
                    boot.framework().waitForStop(0);
                }
                return 0;
            }
            try (CommandRunner runner = CommandRunner.open(boot.context(), out, err)) {
                for (Line command : commands) {
                    if (!runner.run(command.text(), command.where())) {
                        return 1; // nothing after a failed command runs
                    }
                }
            }
            timing(err, "commands done");
            return 0;
        } catch (Exception e) {
            err.println("kprobelab: " + e);
            return 1;
        } finally {
            out.flush();
            stop.run();
        }
    }

    /** Closes a tracker with try-with-resources. */
    private record ServiceTrackerCloser(org.osgi.util.tracker.ServiceTracker<?, ?> tracker) implements AutoCloseable {
        @Override
        public void close() {
            tracker.close();
        }
    }

    /** True when stdin and stdout are a terminal (JDK 22+ has a Console even when they are not). */
    private static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK < 22: a Console exists only on a terminal
        }
    }

    /** A command to run, and where it came from: {@code FILE:LINE} for a script's, null for -c's. */
    record Line(String text, String where) {
    }

    /** The texts of {@link #lines}. */
    static List<String> commands(CommandLine cl) throws CommandLine.UsageException {
        return lines(cl).stream().map(Line::text).toList();
    }

    /** The -c commands and --script lines, in command-line order. */
    static List<Line> lines(CommandLine cl) throws CommandLine.UsageException {
        List<Line> out = new ArrayList<>();
        for (CommandLine.Step s : cl.steps()) {
            if (s instanceof CommandLine.Command c) {
                out.add(new Line(c.text(), null));
            } else if (s instanceof CommandLine.Script script) {
                try {
                    List<String> lines = Files.readAllLines(script.file(), StandardCharsets.UTF_8);
                    for (int n = 0; n < lines.size(); n++) {
                        String l = lines.get(n).strip();
                        if (!l.isEmpty() && !l.startsWith("#")) {
                            out.add(new Line(l, script.file() + ":" + (n + 1)));
                        }
                    }
                } catch (IOException e) {
                    throw new CommandLine.UsageException("--script: " + script.file() + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** Waits for the machine component to activate; empty when it is up, else why it is not. */
    static Optional<String> awaitMachine(BundleContext ctx) throws InterruptedException {
        return awaitComponent(ctx, MACHINE_COMPONENT, "the machine", MACHINE_WAIT_NANOS)
                .map(w -> w.startsWith("the machine did not start") ? w + " (is the machine bundle resolved?)" : w);
    }

    /**
     * Waits for component {@code name} to activate; empty when it is up, else why it is not (its
     * activation failure, or that it did not come up in time).
     */
    static Optional<String> awaitComponent(BundleContext ctx, String name, String what, long waitNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        while (System.nanoTime() < deadline) {
            for (Components.Configuration c : Components.of(ctx, name)) {
                if (c.state() == Components.ACTIVE) {
                    return Optional.empty();
                }
                if (c.state() == Components.FAILED_ACTIVATION) {
                    return Optional.of(c.failure());
                }
            }
            Thread.sleep(5);
        }
        return Optional.of(what + " did not start within " + Duration.ofNanos(waitNanos).toSeconds() + " s");
    }

    /**
     * Waits for the Linux guest's boot (its component registers the Guest service when the
     * kernel's shell answers, or goes away when the boot failed); empty when the guest is up.
     */
    static Optional<String> awaitLinuxGuest(BundleContext ctx) throws InterruptedException {
        long deadline = System.nanoTime() + LINUX_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (ctx.getServiceReference("io.kprobelab.guest.Guest") != null) {
                return Optional.empty();
            }
            boolean active = Components.of(ctx, LINUX_COMPONENT).stream().anyMatch(c -> c.state() == Components.ACTIVE);
            if (!active) {
                return Optional.of("the Linux kernel did not boot (its error is above)");
            }
            Thread.sleep(20);
        }
        return Optional.of("the Linux guest did not reach its shell within "
                + Duration.ofNanos(LINUX_WAIT_NANOS).toSeconds() + " s");
    }

    /** One line per component that failed to activate (SCR's own log is quiet, see Boot). */
    static void reportFailedComponents(BundleContext ctx, PrintStream err) {
        for (Components.Configuration c : Components.all(ctx)) {
            if (c.state() == Components.FAILED_ACTIVATION) {
                err.println("kprobelab: component " + c.component() + " (" + c.bundle() + ") failed: " + c.failure());
            }
        }
    }

    // -Dkprobelab.timing=true: milliseconds since the JVM started, on stderr.
    static void timing(PrintStream err, String what) {
        if (Boolean.getBoolean("kprobelab.timing")) {
            long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            err.println("kprobelab: " + what + " " + (System.currentTimeMillis() - start) + " ms after JVM start");
        }
    }
}
