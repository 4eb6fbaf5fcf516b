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
 * stopped, then run the guest in slices until the kernel reports it done. A request the host
 * stops waiting for is never left running: it is signalled (SIGINT when cancelled, as a
 * terminal's ^C signals its foreground job; SIGKILL past the instruction limit) and reaped
 * before this returns, so the next request is served at once. The console is the caller's
 * business (listeners are set around this).
 */
public final class Umh {

    /** Instructions per run slice while waiting for the guest (a slice ends early at power-off). */
    public static final long SLICE = 1_000_000;

    /** Linux's signal numbers, as the guest kernel uses them. */
    public static final int SIGINT = 2, SIGKILL = 9;

    /**
     * How long a signalled program may take to exit: it does at its next return to user mode,
     * within a timer tick; SIGKILL follows SIGINT after this, and after another the guest is
     * declared stuck.
     */
    static final long SIGNAL_GRACE = 100 * SLICE;

    // Mailbox layout (BOOT.md section 7).
    private static final int REQUEST_SEQ = 0x00, DONE_SEQ = 0x04, PID = 0x08, STATUS = 0x0c, CMDLINE = 0x10,
            KILL_SEQ = 0x110, KILL_SIG = 0x118;

    private Umh() {
    }

    /**
     * Runs {@code cmdline} to its exit; the result's output is empty.
     *
     * @param cancelled asked between slices; once true the program is sent SIGINT and reaped,
     *                  and the result has its status (130)
     * @throws IllegalStateException if it runs past {@code maxInstructions} (it is killed and
     *                               reaped first), or the guest powers off
     */
    public static ProgramResult run(Machine machine, String cmdline, long maxInstructions, BooleanSupplier cancelled) {
        byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmd.length > 255) {
            throw new IllegalArgumentException("command line longer than 255 bytes");
        }
        long box = mailbox(machine);
        PhysicalMemory pm = machine.physicalMemory();
        int seq = pm.readU32(box + REQUEST_SEQ) + 1;
        byte[] field = new byte[256];
        System.arraycopy(cmd, 0, field, 0, cmd.length);
        pm.write(box + CMDLINE, field, 0, field.length);
        pm.writeU32(box + REQUEST_SEQ, seq);
        long start = machine.vcpu(0).retired(), retired = start;
        long signalledAt = -1; // virtual time of the last signal sent, -1 before any
        int signal = 0;
        boolean overLimit = false;
        while (pm.readU32(box + DONE_SEQ) != seq) {
            if (signal == 0 && cancelled.getAsBoolean()) {
                signal = kill(pm, box, SIGINT);
                signalledAt = retired;
            }
            RunResult r = machine.runKernel(SLICE);
            retired = r.retired();
            if (r.poweredOff()) {
                throw new IllegalStateException("the guest powered off while running " + cmdline);
            }
            if (signal == 0 && retired - start > maxInstructions) {
                overLimit = true;
                signal = kill(pm, box, SIGKILL);
                signalledAt = retired;
            } else if (signal != 0 && retired - signalledAt > SIGNAL_GRACE) {
                if (signal == SIGKILL) {
                    throw new IllegalStateException(cmdline + " did not exit after SIGKILL");
                }
                signal = kill(pm, box, SIGKILL);
                signalledAt = retired;
            }
        }
        if (overLimit) {
            throw new IllegalStateException(cmdline + " still running after " + maxInstructions
                    + " instructions: killed (the limit is run.max.instructions in io.kprobelab.guest.cfg)");
        }
        return new ProgramResult(pm.readU32(box + PID), pm.readU32(box + STATUS), retired - start, "");
    }

    /** Asks the kernel to send {@code sig} to the running program and its descendants; returns {@code sig}. */
    private static int kill(PhysicalMemory pm, long box, int sig) {
        pm.writeU32(box + KILL_SIG, sig);
        pm.writeU32(box + KILL_SEQ, pm.readU32(box + KILL_SEQ) + 1);
        return sig;
    }

    /** Physical address of {@code umh_mailbox}. */
    private static long mailbox(Machine machine) {
        Symbol s = machine.symbols().lookup("umh_mailbox")
                .orElseThrow(() -> new IllegalStateException("no umh_mailbox: is the guest kernel booted?"));
        return s.address() - VmlinuxLoader.START_KERNEL_MAP;
    }
}
