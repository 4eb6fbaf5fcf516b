package io.kprobelab.linux;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a test: boots a kernel on the machine and prints how far it gets. Arguments: KERNEL
 * [INITRD [MAX_INSTRUCTIONS [CMDLINE]]]; e.g. the team's vmlinux and initramfs.cpio.gz.
 */
public final class BootExperiment {

    private BootExperiment() {
    }

    public static void main(String[] args) throws Exception {
        LinuxKernel k = LinuxKernel.open(Path.of(args[0]));
        byte[] initrd = args.length > 1 ? Files.readAllBytes(Path.of(args[1])) : null;
        long max = args.length > 2 ? Long.parseLong(args[2]) : 200_000_000L;
        String cmdline = args.length > 3 ? args[3] : LinuxBoot.DEFAULT_CMDLINE;
        Machine m = Machines.create(1, 256);
        BootLayout l = LinuxBoot.boot(m, k, BootOptions.of(cmdline, initrd));
        System.out.println(k + "\n" + l);
        m.console().setListener(c -> System.out.print((char) c));
        long t0 = System.nanoTime();
        try {
            RunResult r = m.runKernel(max);
            System.out.println("\n--- stopped: " + r);
        } catch (GuestOops e) {
            System.out.println("\n--- oops after " + m.vcpu(0).retired() + " instructions:\n" + e.report());
        }
        System.out.printf("--- %.1f s, rip %s%n", (System.nanoTime() - t0) / 1e9,
                m.symbols().format(m.vcpu(0).regs().ip()));
    }
}
