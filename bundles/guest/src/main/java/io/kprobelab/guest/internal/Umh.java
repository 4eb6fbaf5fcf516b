package io.kprobelab.guest.internal;

import io.kprobelab.guest.ProgramResult;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.RunResult;
import io.kprobelab.machine.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The host's side of {@code umh_mailbox} (BOOT.md section 7): write a request while the guest is
 * stopped, then run the guest in slices until the kernel reports it done. The console is the
 * caller's business (listeners are set around this).
 */
public final class Umh {

    /** Instructions per run slice while waiting for the guest (a slice ends early at power-off). */
    public static final long SLICE = 1_000_000;

    private Umh() {
    }

    /**
     * Runs {@code cmdline} to its exit; the result's output is empty.
     *
     * @param cancelled asked between slices; true stops waiting (the program goes on in the guest)
     */
    public static ProgramResult run(Machine machine, String cmdline, long maxInstructions, BooleanSupplier cancelled) {
        byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmd.length > 255) {
            throw new IllegalArgumentException("command line longer than 255 bytes");
        }
        long box = mailbox(machine);
        PhysicalMemory pm = machine.physicalMemory();
        int seq = pm.readU32(box) + 1;
        byte[] field = new byte[256];
        System.arraycopy(cmd, 0, field, 0, cmd.length);
        pm.write(box + 0x10, field, 0, field.length);
        pm.writeU32(box, seq);
        long start = machine.vcpu(0).retired(), retired = start;
        while (pm.readU32(box + 4) != seq) {
            if (cancelled.getAsBoolean()) {
                throw new IllegalStateException("interrupted: " + cmdline + " goes on in the guest");
            }
            RunResult r = machine.runKernel(SLICE);
            retired = r.retired();
            if (r.poweredOff()) {
                throw new IllegalStateException("the guest powered off while running " + cmdline);
            }
            if (retired - start > maxInstructions) {
                throw new IllegalStateException(cmdline + " still running after " + maxInstructions + " instructions");
            }
        }
        return new ProgramResult(pm.readU32(box + 8), pm.readU32(box + 12), retired - start, "");
    }

    /** Physical address of {@code umh_mailbox}. */
    private static long mailbox(Machine machine) {
        Symbol s = machine.symbols().lookup("umh_mailbox")
                .orElseThrow(() -> new IllegalStateException("no umh_mailbox: is the guest kernel booted?"));
        return s.address() - VmlinuxLoader.START_KERNEL_MAP;
    }
}
