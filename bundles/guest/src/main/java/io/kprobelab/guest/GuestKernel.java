package io.kprobelab.guest;

import io.kprobelab.guest.internal.Umh;
import io.kprobelab.guest.internal.VmlinuxLoader;
import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/** The bundled guest kernel: its image, booting it, and running it. */
public final class GuestKernel {

    /** Resource path of the committed image. */
    public static final String IMAGE_RESOURCE = "/io/kprobelab/guest/vmlinux";

    private static volatile ElfImage bundled;

    private GuestKernel() {
    }

    /** The bundled {@code vmlinux}, parsed once. */
    public static ElfImage image() {
        ElfImage img = bundled;
        if (img == null) {
            try (InputStream in = GuestKernel.class.getResourceAsStream(IMAGE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("guest image missing: " + IMAGE_RESOURCE);
                }
                img = ElfImage.parse("vmlinux", in.readAllBytes());
            } catch (IOException | ElfException e) {
                throw new IllegalStateException("cannot read the guest image: " + e.getMessage(), e);
            }
            bundled = img;
        }
        return img;
    }

    /** Boots the bundled kernel on {@code machine} (BOOT.md section 3); run it with {@link #runToPowerOff}. */
    public static void boot(Machine machine, BootParams params) {
        boot(machine, image(), params);
    }

    /** Boots {@code image} as a guest kernel on {@code machine}. */
    public static void boot(Machine machine, ElfImage image, BootParams params) {
        VmlinuxLoader.boot(machine, image, params);
    }

    /**
     * Runs the booted kernel until it powers off or {@code maxInstructions} retire (idle time
     * included); the console is in {@link Machine#console()}.
     */
    public static RunResult runToPowerOff(Machine machine, long maxInstructions) {
        return machine.runKernel(maxInstructions);
    }

    /** Instructions per run slice while waiting for the guest (a slice ends early at power-off). */
    static final long SLICE = Umh.SLICE;

    /**
     * Boots with {@code params} and {@code STAY_UP} and runs until pid 1 has exited (its
     * {@code NAME[1] exited with status N} line is on the console); the kernel then idles,
     * ready for {@link #run}.
     *
     * @throws IllegalStateException if that takes more than {@code maxInstructions} or the guest powers off
     */
    public static void bootToIdle(Machine machine, BootParams params, long maxInstructions) {
        boot(machine, params.withStayUp(true));
        long start = machine.vcpu(0).retired();
        while (!machine.console().text().contains("[1] exited with status ")) {
            RunResult r = machine.runKernel(SLICE);
            if (r.poweredOff()) {
                throw new IllegalStateException("the guest powered off during boot:\n" + machine.console().text());
            }
            if (r.retired() - start > maxInstructions) {
                throw new IllegalStateException("pid 1 still running after " + maxInstructions + " instructions");
            }
        }
    }

    /**
     * Starts {@code cmdline} ({@code PROGRAM [ARG]...}) on a kernel booted with {@code STAY_UP}
     * through its {@code umh_mailbox} (BOOT.md section 7), runs the guest until the program has
     * exited, and returns its pid and status. Console output is streamed to {@code output}
     * (may be null) as the guest writes it. Call it while the guest is not running (between
     * {@link Machine#runKernel} slices), one request at a time.
     *
     * @throws IllegalStateException if it does not finish within {@code maxInstructions}, or the guest powers off
     */
    public static ProgramResult run(Machine machine, String cmdline, IntConsumer output, long maxInstructions) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        machine.console().setListener(b -> {
            captured.write(b);
            if (output != null) {
                output.accept(b);
            }
        });
        try {
            ProgramResult r = Umh.run(machine, cmdline, maxInstructions, () -> false);
            return new ProgramResult(r.pid(), r.status(), r.instructions(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            machine.console().setListener(null);
        }
    }
}
