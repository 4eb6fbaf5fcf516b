package io.kprobelab.guest.internal.osgi;

import io.kprobelab.guest.BootParams;
import io.kprobelab.guest.Guest;
import io.kprobelab.guest.GuestKernel;
import io.kprobelab.guest.GuestTask;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.guest.internal.KernelView;
import io.kprobelab.guest.internal.Umh;
import io.kprobelab.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The guest kernel booted on the machine service, as the {@link Guest} service. Disabled until
 * {@link GuestEnabler} enables it (never in bare mode). Activation boots the bundled kernel with
 * {@code STAY_UP}; pid 1 is {@code sh} with nothing to run, so it exits at once and the kernel
 * idles: {@code init} and every other program are started later through {@link #run}, once
 * the probes that should see them are in place (the launcher runs {@code guest:run init}).
 *
 * <p>The guest console goes to the process's standard output as the guest writes it, line by
 * line, so printk lines and lines printed by probe handlers (on the same vCPU thread) come out in
 * the order they happened; while {@link #run} has an output consumer, to that consumer instead.
 */
@Component(service = Guest.class, enabled = false, immediate = true, configurationPid = GuestService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GuestService.Config.class)
public final class GuestService implements Guest {

    /** Configuration PID ({@code config/io.kprobelab.guest.cfg}). */
    public static final String PID = "io.kprobelab.guest";

    /** pid 1's command line: {@code sh} with no words exits 0 at once (BOOT.md section 6). */
    static final String PID1 = "sh";

    /** The guest's configuration. */
    @ObjectClassDefinition(id = PID, name = "KprobeLab guest",
            description = "The bundled guest kernel, booted on the machine. A change reboots the guest.")
    public @interface Config {

        /** Timer period. */
        @AttributeDefinition(name = "Tick (instructions)",
                description = "Timer period in retired instructions (one instruction is one virtual nanosecond)",
                min = "1000")
        long tick_instructions() default BootParams.DEFAULT_TICK;

        /** Limit of one guest:run. */
        @AttributeDefinition(name = "Run limit (instructions)",
                description = "A program still running after this many instructions of virtual time fails its guest:run",
                min = "1")
        long run_max_instructions() default 10_000_000_000L;
    }

    /** Booting to idle takes about 0.3 million instructions; allow plenty. */
    static final long BOOT_MAX = 1_000_000_000L;

    private final Machine machine;
    private final long runMax;
    private final ReentrantLock running = new ReentrantLock();
    private final PrintStream stdout;
    /** Where console bytes go now: a run's consumer, or {@link #toStdout}. */
    private volatile IntConsumer sink;
    private final IntConsumer toStdout;

    /** Boots the guest kernel to idle; a failure fails the activation with the kernel's console. */
    @Activate
    public GuestService(@Reference Machine machine, Config config) {
        this.machine = machine;
        this.runMax = config.run_max_instructions();
        this.stdout = System.out;
        this.toStdout = b -> {
            stdout.write(b);
            if (b == '\n') {
                stdout.flush();
            }
        };
        this.sink = toStdout;
        machine.console().setListener(b -> sink.accept(b));
        try {
            GuestKernel.bootToIdle(machine, new BootParams(PID1, config.tick_instructions(), true, 0), BOOT_MAX);
        } catch (RuntimeException e) {
            machine.console().setListener(null);
            throw new IllegalStateException("cannot boot the guest kernel: " + e.getMessage(), e);
        } finally {
            stdout.flush();
        }
    }

    @Deactivate
    void deactivate() {
        machine.console().setListener(null);
        stdout.flush();
    }

    @Override
    public ProgramResult run(String program, List<String> args, IntConsumer output) {
        String cmdline = cmdline(program, args);
        try {
            running.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another guest:run", e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        IntConsumer target = output == null ? toStdout : output;
        sink = b -> {
            captured.write(b);
            target.accept(b);
        };
        // Interrupted (^C): Umh signals the program and reaps it. Runs with the flag cleared so
        // that nothing on the way (the vCPU hand-off) gives up early; set again for the caller.
        boolean[] interrupted = {false};
        try {
            ProgramResult r = Umh.run(machine, cmdline, runMax, () -> {
                interrupted[0] |= Thread.interrupted();
                return interrupted[0];
            });
            return new ProgramResult(r.pid(), r.status(), r.instructions(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
            sink = toStdout;
            stdout.flush();
            running.unlock();
        }
    }

    /** {@code PROGRAM ARG...} as the kernel's parse_cmdline splits it: at single spaces. */
    static String cmdline(String program, List<String> args) {
        if (program == null || program.isBlank()) {
            throw new IllegalArgumentException("no program to run");
        }
        List<String> words = new java.util.ArrayList<>();
        words.add(program);
        words.addAll(args);
        String line = String.join(" ", words);
        for (String w : words) {
            if (w.isEmpty() || w.indexOf(' ') >= 0) {
                throw new IllegalArgumentException("the guest splits its command line at spaces: "
                        + "no word can be empty or contain one: " + line);
            }
        }
        if (line.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("command line longer than 255 bytes");
        }
        return line;
    }

    @Override
    public List<GuestTask> tasks() {
        return machine.stopped(() -> KernelView.tasks(machine));
    }

    @Override
    public String dmesg() {
        return machine.stopped(() -> KernelView.dmesg(machine));
    }


    @Override
    public String toString() {
        return "Guest on " + machine;
    }
}
