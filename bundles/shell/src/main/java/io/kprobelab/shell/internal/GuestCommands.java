package io.kprobelab.shell.internal;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.GuestProgram;
import io.kprobelab.guest.GuestTask;
import io.kprobelab.guest.ProgramResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Process;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code guest:*} Gogo commands (DESIGN.md section 6): thin adapters over the {@link Guest}
 * service. {@code guest:run} succeeds when the program exits with status 0 and fails otherwise,
 * with the one-line message {@code PROGRAM exited with status N}, so a script or {@code -c} stops
 * there and the launcher exits 1, as a shell with {@code set -e} would.
 */
@Component(service = GuestCommands.class, property = {
        "osgi.command.scope=guest",
        "osgi.command.function=run",
        "osgi.command.function=ps",
        "osgi.command.function=dmesg",
        "osgi.command.function=console"})
public final class GuestCommands implements Documented {

    /** The header of {@code guest:ps}. */
    static final String PS_HEADER = "  PID  PPID S    TICKS COMMAND";

    // Optional and dynamic, like machine:*: in bare mode (--elf) there is no guest, and the
    // commands say so.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Guest guest;

    /** For DS. */
    public GuestCommands() {
    }

    /** For tests: commands over a given guest. */
    GuestCommands(Guest guest) {
        this.guest = guest;
    }

    private Guest guest() {
        Guest g = guest;
        if (g == null) {
            throw new CommandUnavailable("no guest: the guest kernel is not running "
                    + "(bare mode with --elf, or see the log for why)");
        }
        return g;
    }

    /** ^] (Ctrl-]): leaves {@code guest:console}, as in telnet and QEMU's monitor escape. */
    static final int ESCAPE = 0x1d;
    /** The console's session variable with the raw-mode switch (io.kprobelab.console). */
    static final String RAW_MODE = ".kprobelab.terminal.raw";
    /** The console's session variable with the terminal's input, pollable with available(). */
    static final String POLLED_INPUT = ".kprobelab.terminal.input";

    @Descriptor("attach this terminal to the Linux guest's serial console, as QEMU's -nographic does: what you type "
            + "goes to the guest's shell, what it writes comes here; ^] (Ctrl-]) comes back to KprobeLab")
    public void console(CommandSession session) throws Exception {
        Guest g = guest();
        Object raw = session.get(RAW_MODE);
        AutoCloseable restore = raw instanceof java.util.function.Supplier<?> s ? (AutoCloseable) s.get() : null;
        PrintStream out = session.getConsole();
        out.println("Connected to the guest console; ^] leaves.");
        out.flush();
        try {
            Object polled = session.get(POLLED_INPUT);
            g.console(polled instanceof java.io.InputStream p ? p : session.getKeyboard(), out, ESCAPE);
        } catch (UnsupportedOperationException e) {
            throw new CommandError("guest:console: " + e.getMessage());
        } finally {
            if (restore != null) {
                restore.close();
            }
            out.println();
            out.flush();
        }
    }

    @Descriptor("start a program in the guest and print its console output as it comes; "
            + "fails with 'PROGRAM exited with status N' when N is not 0. "
            + "^C sends it (and what it started) SIGINT, as a terminal does: it is reaped before the prompt returns")
    public void run(
            @Descriptor("the program: one of those below, or /bin/NAME") String program,
            @Descriptor("its arguments (no spaces inside one: the guest splits at spaces)") String... arg) {
        run(program, arg, session());
    }

    /** {@code help guest:run}: the programs and their arguments, from the guest's table. */
    @Override
    public List<String> notes(String function) {
        if (!function.equals("run")) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add("programs:");
        for (GuestProgram p : GuestProgram.values()) {
            lines.add(String.format("  %-40s %s", p.usage(), p.description()));
        }
        return lines;
    }

    /** {@link #run(String, String...)} printing onto {@code out}. */
    void run(String typedProgram, String[] typedArgs, PrintStream out) {
        String program = Operands.word(typedProgram);
        String[] args = Operands.words(typedArgs);
        ProgramResult r;
        try {
            // The guest writes on the vCPU thread, where System.out is not this session's: write
            // to the session's stream itself, flushed per line so probe output interleaves.
            r = guest().run(program, List.of(args), b -> {
                out.write(b);
                if (b == '\n') {
                    out.flush();
                }
            });
        } catch (IllegalArgumentException e) {
            throw new CommandError(e.getMessage());
        } catch (IllegalStateException e) {
            throw e instanceof CommandUnavailable ? e : new CommandUnavailable(e.getMessage());
        } finally {
            out.flush();
        }
        if (Thread.interrupted()) { // ^C: the guest ended the program with SIGINT
            throw new CommandInterrupted();
        }
        if (r.pid() < 0) {
            throw new CommandError(program + ": cannot run: error " + r.pid()
                    + (r.pid() == -2 ? " (no such program)" : ""));
        }
        if (r.status() != 0) {
            throw new CommandError(program + " exited with status " + r.status());
        }
    }

    /** The current pipeline stage's output (a pipe or the session's), else System.out. */
    private static PrintStream session() {
        Process p = Process.Utils.current();
        return p != null && p.out() != null ? p.out() : System.out;
    }

    @Descriptor("list the guest's tasks: PID, parent's PID, state (R running, S sleeping, Z zombie), "
            + "TIME (timer ticks run) and COMMAND, from the kernel's task_list")
    public String ps() {
        List<String> lines = new ArrayList<>();
        lines.add(PS_HEADER);
        for (GuestTask t : guest().tasks()) {
            lines.add(String.format("%5d %5d %c %8d %s", t.pid(), t.ppid(), t.state(), t.ticks(), t.comm()));
        }
        return String.join("\n", lines);
    }

    @Descriptor("the guest kernel's log buffer (printk output), as dmesg prints it")
    public String dmesg() {
        String log = guest().dmesg();
        return log.isEmpty() ? null : log.endsWith("\n") ? log.substring(0, log.length() - 1) : log;
    }
}
