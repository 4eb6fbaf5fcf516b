package io.kprobelab.linux.internal.shell;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.RunResult;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The shell on a Linux guest's serial console, driven as a user at a terminal drives it: command
 * lines are typed into the UART and the guest runs, one slice of virtual time at a time, until
 * the command has finished ({@link ShellOutputFilter} says how its output and status are told
 * apart from the shell's own echo and prompt). Works with any POSIX shell reading the console,
 * not only the project's initramfs: nothing is assumed of its prompt.
 *
 * <p>Input is typed at slice boundaries, so the same commands on the same kernel and initramfs
 * give the same console, byte for byte.
 */
public final class SerialShell {

    /** Instructions per run slice: 1 ms of virtual time. */
    public static final long SLICE = 1_000_000;
    /** Console silence that ends the boot, before the shell is probed: 0.2 s of virtual time. */
    static final long QUIET = 200_000_000;
    /** How long one probe waits for the shell to answer before typing it again. */
    static final long PROBE_WAIT = 2_000_000_000L;
    /** Exit status reported for a command ended by ^C: 128 + SIGINT, as shells report it. */
    public static final int INTERRUPTED = 130;

    private static final String START = "printf '\\033]133;C\\007'; eval ";
    private static final String END = "; printf '\\033]133;D;%d\\007' $?\n";

    /** What one command did. */
    public record Result(int status, boolean interrupted, long instructions) {
    }

    private final Machine machine;
    private final IntConsumer raw;
    /** Where console bytes go now: {@link #raw} until the shell answered, then the current command's filter. */
    private volatile IntConsumer sink;
    /** The filter of the last command typed. */
    private ShellOutputFilter lastFilter;

    /**
     * @param raw where console output goes while the kernel boots (before the shell answers) and
     *            while a terminal is attached ({@link #attach})
     */
    public SerialShell(Machine machine, IntConsumer raw) {
        this.machine = machine;
        this.raw = raw;
        this.sink = this::bootOutput;
        machine.console().setListener(b -> sink.accept(b));
    }

    /**
     * The boot's console, passed on line by line with the terminal's CR LF as LF: the last,
     * unfinished line is the shell's prompt.
     */
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

    private void bootOutput(int b) {
        partial.write(b);
        if (b == '\n') {
            byte[] line = partial.toByteArray();
            int n = line.length > 1 && line[line.length - 2] == '\r' ? line.length - 2 : line.length - 1;
            for (int i = 0; i < n; i++) {
                raw.accept(line[i] & 0xff);
            }
            raw.accept('\n');
            partial.reset();
        }
    }

    /** Stops listening to the console. */
    public void close() {
        machine.console().setListener(null);
    }

    /**
     * Runs the booted kernel until its console has been quiet for a while, then types an empty
     * command until the shell answers it.
     *
     * @throws IllegalStateException if no shell answers within {@code maxInstructions}, or the
     *                               machine stopped (the message says how and quotes the console)
     */
    public void awaitShell(long maxInstructions) {
        awaitShell(maxInstructions, () -> false);
    }

    /** {@link #awaitShell(long)} that gives up (IllegalStateException) as soon as {@code stop} turns true. */
    public void awaitShell(long maxInstructions, BooleanSupplier stop) {
        long start = machine.vcpu(0).retired();
        long lastLength = -1, quietSince = start;
        while (true) {
            if (stop.getAsBoolean()) {
                throw new IllegalStateException("boot stopped");
            }
            RunResult r = slice();
            long len = machine.console().length();
            if (len != lastLength) {
                lastLength = len;
                quietSince = r.retired();
            } else if (len > 0 && r.retired() - quietSince >= QUIET) {
                break;
            }
            if (r.retired() - start > maxInstructions) {
                throw new IllegalStateException("the guest printed nothing for long after booting, or never stopped:"
                        + " no shell after " + maxInstructions + " instructions");
            }
        }
        while (true) {
            if (stop.getAsBoolean()) {
                throw new IllegalStateException("boot stopped");
            }
            long used = machine.vcpu(0).retired() - start;
            if (used > maxInstructions) {
                throw new IllegalStateException("no shell answers on the console after " + maxInstructions
                        + " instructions\n" + tail());
            }
            IntConsumer boot = sink;
            Result r = type(":", i -> { }, Math.min(PROBE_WAIT, maxInstructions - used), () -> false, false);
            if (r != null) {
                partial.reset(); // the prompt (and any terminal query after it) is the shell's
                return;
            }
            sink = boot;
        }
    }

    /**
     * Types {@code line} and runs the guest until the shell reports the command's status.
     * {@code output} gets the command's output as the guest writes it (CR LF as LF), on the
     * vCPU thread. When {@code interrupted} turns true, ^C is typed (SIGINT to the foreground
     * job, as a terminal's line discipline sends it) and the result is {@link #INTERRUPTED}.
     *
     * @throws IllegalStateException if the command is still running after {@code maxInstructions}
     *                               (it is interrupted first, so the shell is usable again), or
     *                               the machine stopped
     */
    public Result run(String line, IntConsumer output, long maxInstructions, BooleanSupplier interrupted) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one command line: no line breaks");
        }
        long consoleBefore = machine.console().length();
        Result r = type(line, output, maxInstructions, interrupted, true);
        if (r == null) {
            boolean started = lastFilter.started();
            String console = machine.console().text();
            String typed = console.substring((int) Math.min(consoleBefore, console.length())).strip();
            interruptAndResync();
            if (!started) {
                throw new IllegalStateException("the guest's shell did not run the command line (a syntax error?): "
                        + line + "\n" + typed);
            }
            throw new IllegalStateException("still running after " + maxInstructions + " instructions: " + line);
        }
        return r;
    }

    /** Types {@code line} framed by the marks; null when it did not finish within {@code max}. */
    private Result type(String line, IntConsumer output, long max, BooleanSupplier interrupted, boolean resyncAfterInterrupt) {
        ShellOutputFilter filter = new ShellOutputFilter(output);
        lastFilter = filter;
        sink = filter::accept;
        machine.console().input((START + quote(line) + END).getBytes(StandardCharsets.UTF_8));
        long start = machine.vcpu(0).retired();
        while (!filter.done()) {
            if (interrupted.getAsBoolean()) {
                if (resyncAfterInterrupt) {
                    interruptAndResync();
                }
                return new Result(INTERRUPTED, true, machine.vcpu(0).retired() - start);
            }
            RunResult r = slice();
            if (r.retired() - start > max) {
                return null;
            }
        }
        return new Result(filter.status(), false, machine.vcpu(0).retired() - start);
    }

    /**
     * {@code line} as one single-quoted shell word, for {@code eval}: the line keeps its meaning
     * ({@code &}, {@code ;}, redirections, {@code cd}) inside the frame of marks.
     */
    static String quote(String line) {
        return "'" + line.replace("'", "'\\''") + "'";
    }

    /**
     * Attaches a terminal ({@link io.kprobelab.guest.Guest#console}): a newline first, so the
     * shell shows a fresh prompt, then the guest runs slice by slice while {@code in}'s bytes are
     * typed (without blocking: {@code available()}) and its console goes to {@code out}, until
     * {@code escape} is read or {@code in} ends. The host sleeps a little between idle slices.
     */
    public void attach(java.io.InputStream in, java.io.OutputStream out, int escape) throws java.io.IOException {
        java.io.IOException[] failed = {null};
        sink = b -> {
            try {
                out.write(b);
            } catch (java.io.IOException e) {
                failed[0] = e;
            }
        };
        try {
            machine.console().input(new byte[] {'\n'});
            while (true) {
                int n = in.available();
                if (n > 0) {
                    byte[] buf = new byte[n];
                    int got = in.read(buf);
                    if (got < 0) {
                        return;
                    }
                    int end = 0;
                    while (end < got && (buf[end] & 0xff) != escape) {
                        end++;
                    }
                    if (end > 0) {
                        machine.console().input(java.util.Arrays.copyOf(buf, end));
                    }
                    if (end < got) {
                        return; // the escape key: detach
                    }
                } else if (n < 0) {
                    return;
                }
                long before = machine.console().length();
                slice();
                out.flush();
                if (failed[0] != null) {
                    throw failed[0];
                }
                if (machine.console().length() == before && in.available() == 0) {
                    try {
                        Thread.sleep(5); // idle: wall time passes for the person typing
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            lastFilter = new ShellOutputFilter(b -> { });
            sink = lastFilter::accept; // back to commands: what follows is the shell's
        }
    }

    /** ^C, then empty commands until the shell answers again (an interrupted line prints no end mark). */
    private void interruptAndResync() {
        sink = b -> { };
        machine.console().input(new byte[] {3});
        for (int attempt = 0; attempt < 5; attempt++) {
            if (type(":", b -> { }, PROBE_WAIT, () -> false, false) != null) {
                return;
            }
            machine.console().input(new byte[] {3});
        }
        throw new IllegalStateException("the guest's shell does not answer after ^C\n" + tail());
    }

    private RunResult slice() {
        RunResult r = machine.runKernel(SLICE);
        if (r.poweredOff()) {
            throw new IllegalStateException((r.reset() ? "the guest rebooted" : "the guest powered off") + "\n" + tail());
        }
        return r;
    }

    /** The last lines of the console, for error messages. */
    private String tail() {
        String text = machine.console().text();
        int from = text.length();
        for (int lines = 0; lines < 12 && from > 0; lines++) {
            from = text.lastIndexOf('\n', from - 1);
            if (from < 0) {
                from = 0;
            }
        }
        return text.substring(from).strip();
    }
}
