package io.kprobelab.linux.internal.osgi;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.GuestTask;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.linux.BootOptions;
import io.kprobelab.linux.LinuxBoot;
import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.internal.shell.SerialShell;
import io.kprobelab.linux.internal.view.LinuxKernelView;
import io.kprobelab.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A Linux kernel booted on the machine service, as the {@link Guest} service: {@link #run} types
 * the command line into the shell on its serial console ({@link SerialShell}); {@link #tasks} and
 * {@link #dmesg} read the kernel's task list and printk ring from its memory
 * ({@link LinuxKernelView}). Disabled until {@link LinuxGuestEnabler} enables it (the launcher's
 * {@code --kernel}/{@code --linux}). The console goes to standard output while the kernel boots;
 * afterwards only the output of commands is shown, through {@link #run}.
 *
 * <p>Booting takes seconds, so activation only starts it, on a thread of its own: the Guest
 * service is registered once the kernel's shell answers (a boot that fails is logged and
 * registers nothing), and deactivation stops a boot still running. Nothing waits on a component
 * lock meanwhile.
 */
@Component(service = {}, enabled = false, immediate = true, configurationPid = LinuxGuestService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LinuxGuestService.Config.class)
public final class LinuxGuestService implements Guest {

    /** Configuration PID ({@code config/io.kprobelab.linux.cfg}). */
    public static final String PID = "io.kprobelab.linux";

    /** The Linux guest's configuration. */
    @ObjectClassDefinition(id = PID, name = "KprobeLab Linux guest",
            description = "A Linux kernel booted on the machine (--kernel, --linux). A change reboots the guest.")
    public @interface Config {

        /** Limit of the boot. */
        @AttributeDefinition(name = "Boot limit (instructions)",
                description = "The kernel must reach a shell on its console within this many instructions of virtual time",
                min = "1")
        long boot_max_instructions() default 20_000_000_000L;

        /** Limit of one guest:run. */
        @AttributeDefinition(name = "Run limit (instructions)",
                description = "A command still running after this many instructions of virtual time is interrupted (^C) and fails its guest:run",
                min = "1")
        long run_max_instructions() default 10_000_000_000L;
    }

    private static final System.Logger LOG = System.getLogger(LinuxGuestService.class.getName());

    private final Machine machine;
    private final LinuxKernel kernel;
    private final long runMax;
    private final SerialShell shell;
    private final ReentrantLock running = new ReentrantLock();
    private final PrintStream stdout;
    private final Thread boot;
    private volatile ServiceRegistration<Guest> registration;
    private volatile boolean stopped;

    /**
     * Reads the kernel and initramfs and places them (a bad file fails the activation at once),
     * then boots on a thread of its own, registering the Guest service when the shell answers.
     */
    @Activate
    public LinuxGuestService(@Reference Machine machine, Config config, BundleContext bundle,
            ComponentContext component) {
        this.machine = machine;
        this.runMax = config.run_max_instructions();
        this.stdout = System.out;
        String kernelPath = bundle.getProperty(LinuxGuestEnabler.KERNEL_PROPERTY);
        String initrdPath = bundle.getProperty(LinuxGuestEnabler.INITRD_PROPERTY);
        String mapPath = bundle.getProperty(LinuxGuestEnabler.SYSTEM_MAP_PROPERTY);
        String append = bundle.getProperty(LinuxGuestEnabler.APPEND_PROPERTY);
        try {
            this.kernel = LinuxKernel.open(Path.of(kernelPath), mapPath == null || mapPath.isBlank() ? null : Path.of(mapPath));
            byte[] initrd = initrdPath == null || initrdPath.isBlank() ? null : Files.readAllBytes(Path.of(initrdPath));
            LinuxBoot.boot(machine, kernel, BootOptions.of(append == null || append.isBlank() ? null : append, initrd));
        } catch (LinuxImageException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot boot " + kernelPath + ": " + e.getMessage(), e);
        }
        IntConsumer toStdout = b -> {
            stdout.write(b);
            if (b == '\n') {
                stdout.flush();
            }
        };
        this.shell = new SerialShell(machine, toStdout);
        long bootMax = config.boot_max_instructions();
        this.boot = new Thread(() -> {
            try {
                shell.awaitShell(bootMax, () -> stopped);
                stdout.flush();
                if (!stopped) {
                    registration = bundle.registerService(Guest.class, this, null);
                }
            } catch (RuntimeException e) {
                stdout.flush();
                if (!stopped) {
                    LOG.log(System.Logger.Level.ERROR, "cannot boot " + kernelPath + ": " + e.getMessage());
                    // no guest: the component goes (the launcher sees it and stops waiting)
                    component.disableComponent(LinuxGuestService.class.getName());
                }
            }
        }, "kprobelab-linux-boot");
        boot.setDaemon(true);
        boot.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopped = true;
        if (Thread.currentThread() != boot) {
            boot.join();
        }
        ServiceRegistration<Guest> r = registration;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping: already gone
            }
        }
        shell.close();
        stdout.flush();
    }

    @Override
    public ProgramResult run(String program, List<String> args, IntConsumer output) {
        if (program == null || program.isBlank()) {
            throw new IllegalArgumentException("no command to run");
        }
        String line = args.isEmpty() ? program : program + " " + String.join(" ", args);
        try {
            running.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another guest:run", e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        IntConsumer target = output != null ? output : b -> {
            stdout.write(b);
            if (b == '\n') {
                stdout.flush();
            }
        };
        try {
            SerialShell.Result r = shell.run(line, b -> {
                captured.write(b);
                target.accept(b);
            }, runMax, Thread.currentThread()::isInterrupted);
            return new ProgramResult(0, r.status(), r.instructions(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            stdout.flush();
            running.unlock();
        }
    }

    @Override
    public void console(java.io.InputStream in, java.io.OutputStream out, int escape) throws IOException {
        try {
            running.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another guest:run", e);
        }
        try {
            shell.attach(in, out, escape);
        } finally {
            running.unlock();
        }
    }

    @Override
    public List<GuestTask> tasks() {
        return machine.stopped(() -> view().tasks());
    }

    @Override
    public String dmesg() {
        return machine.stopped(() -> view().dmesg());
    }

    private LinuxKernelView view() {
        try {
            return new LinuxKernelView(machine.memory(), machine.symbols(), kernel.btf());
        } catch (LinuxImageException e) {
            throw new IllegalStateException("the kernel has no usable BTF: " + e.getMessage(), e);
        }
    }


    @Override
    public String toString() {
        return "Linux guest " + kernel.name() + " on " + machine;
    }
}
