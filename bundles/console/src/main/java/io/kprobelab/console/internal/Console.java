package io.kprobelab.console.internal;

import io.kprobelab.shell.CommandFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.felix.gogo.jline.Expander;
import org.apache.felix.gogo.jline.Highlighter;
import org.apache.felix.gogo.jline.Parser;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.gogo.runtime.CommandSessionImpl;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Job;
import org.apache.felix.service.threadio.ThreadIO;
import org.jline.builtins.Completers;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The read-eval-print loop on the terminal, in place of gogo.jline's {@code Shell.runShell}:
 * <ul>
 * <li>quoted words complete (the {@link ConsoleParser}), and nothing the line editor throws ends
 *     the shell: it says so in one line and reads the next;</li>
 * <li>a failed command prints {@link CommandFailure}'s lines, the format {@code -c} uses;</li>
 * <li>^C interrupts the running command and prints {@value CommandFailure#INTERRUPTED}; the
 *     terminal's own echo of it is off, so it is printed once, on a line of its own;</li>
 * <li>lines other threads print while the prompt waits go above it ({@link #printAbove}).</li>
 * </ul>
 * ^D ends the session and stops the framework, as gogo.jline's login shell does.
 */
final class Console implements Runnable {

    /** What the profile's {@code SCOPE} is before it sets one: KprobeLab's scopes first. */
    static final String SCOPE = "kprobelab:machine:kprobe:guest:gogo:*";

    private final BundleContext context;
    private final CommandProcessor processor;
    private final ThreadIO tio;
    private final Terminal terminal;
    private final Completions completions;
    /** Session variable: a {@code Supplier<AutoCloseable>} that puts the terminal in raw mode. */
    static final String RAW_MODE = ".kprobelab.terminal.raw";

    /** Session variable: the terminal's input as an InputStream whose available() answers without blocking. */
    static final String POLLED_INPUT = ".kprobelab.terminal.input";

    /**
     * The terminal's input for a command that polls it ({@code guest:console}): JLine's
     * non-blocking stream answers {@code available()} by peeking, so the command never blocks in a
     * read it could not abandon (a thread left reading would eat the next line typed at the prompt).
     */
    private java.io.InputStream polledInput() {
        java.io.InputStream in = terminal.input();
        if (!(in instanceof org.jline.utils.NonBlockingInputStream nb)) {
            return in;
        }
        return new java.io.InputStream() {
            @Override
            public int available() throws IOException {
                int c = nb.peek(1);
                return c >= 0 ? 1 : c == org.jline.utils.NonBlockingInputStream.EOF ? -1 : 0;
            }

            @Override
            public int read() throws IOException {
                return nb.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int c = nb.read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
    }

    private volatile LineReader reader;
    private volatile boolean stopping;

    Console(BundleContext context, CommandProcessor processor, ThreadIO tio, Terminal terminal, Completions completions) {
        this.context = context;
        this.processor = processor;
        this.tio = tio;
        this.terminal = terminal;
        this.completions = completions;
    }

    @Override
    public void run() {
        PrintStream out = terminalStream();
        CommandSession session = processor.createSession(terminal.input(), out, out);
        tio.setStreams(terminal.input(), out, out);
        try {
            LineReader r = setUp(session);
            reader = r;
            profile(session);
            loop(session, r);
        } catch (RuntimeException e) {
            if (!stopping) {
                error("the console failed: " + e);
            }
        } finally {
            tio.close();
            session.close();
        }
        if (!stopping) {
            try {
                context.getBundle(0).stop(); // ^D: the session is over, so is the runtime
            } catch (BundleException | IllegalStateException e) {
                // already stopping
            }
        }
    }

    void stop() {
        stopping = true;
    }

    /**
     * Prints a line another thread wrote while the prompt may be showing: above the prompt and
     * the line being edited, which are drawn again below it.
     */
    void printAbove(String line) {
        LineReader r = reader;
        if (r != null) {
            r.printAbove(line);
        } else {
            terminal.writer().println(line);
            terminal.flush();
        }
    }

    /**
     * The terminal for commands, every write flushed: Gogo's pipes write through channels that
     * never flush, and the terminal's output is buffered, so without this a command's output
     * (a guest program's console, line by line) would only show when the command ended.
     */
    private PrintStream terminalStream() {
        PrintWriter writer = terminal.writer();
        OutputStream raw = terminal.output();
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (raw) {
                    writer.flush(); // what the console wrote first comes first
                    raw.write(b, off, len);
                    raw.flush();
                }
            }

            @Override
            public void flush() {
                terminal.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private LineReader setUp(CommandSession session) {
        session.put(Shell.VAR_TERMINAL, terminal);
        // For commands that take the terminal over (guest:console) without depending on JLine:
        // enter raw mode; closing the result restores the terminal's modes.
        session.put(RAW_MODE, (java.util.function.Supplier<AutoCloseable>) () -> {
            org.jline.terminal.Attributes saved = terminal.enterRawMode();
            return () -> terminal.setAttributes(saved);
        });
        session.put(POLLED_INPUT, polledInput());
        session.put(Shell.VAR_PROCESSOR, processor);
        session.put(Shell.VAR_SESSION, session);
        session.put("SCOPE", SCOPE);
        session.put("#TERM", (Function) (s, args) -> terminal.getType());
        session.put("#COLUMNS", (Function) (s, args) -> terminal.getWidth());
        session.put("#LINES", (Function) (s, args) -> terminal.getHeight());
        session.put("#PWD", (Function) (s, args) -> s.currentDir().toString());
        session.put(LineReader.HISTORY_FILE, Paths.get(System.getProperty("user.home"), ".kprobelab_history"));
        Map<String, List<Completers.CompletionData>> data = new HashMap<>();
        session.put(Shell.VAR_COMPLETIONS, data);
        Completers.Completer profile = new Completers.Completer(environment(session, data));
        LineReader r = LineReaderBuilder.builder()
                .terminal(terminal)
                .variables(((CommandSessionImpl) session).getVariables())
                .completer(new ConsoleCompleter(session, profile, completions.byCommand()))
                .highlighter(new Highlighter(session))
                .parser(new ConsoleParser(new Parser()))
                .expander(new Expander(session))
                .build();
        r.setOpt(LineReader.Option.AUTO_FRESH_LINE);
        session.put(Shell.VAR_READER, r);
        // ^C while a command runs: the console prints it once (see interrupted)
        Attributes a = terminal.getAttributes();
        a.setLocalFlag(Attributes.LocalFlag.ECHOCTL, false);
        terminal.setAttributes(a);
        return r;
    }

    // What the profile's `complete` lines feed (gogo.jline's environment, minus its shell).
    private static Completers.CompletionEnvironment environment(CommandSession session,
            Map<String, List<Completers.CompletionData>> data) {
        return new Completers.CompletionEnvironment() {
            @Override
            public Map<String, List<Completers.CompletionData>> getCompletions() {
                return data;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Set<String> getCommands() {
                return (Set<String>) session.get(CommandSessionImpl.COMMANDS);
            }

            @Override
            public String resolveCommand(String command) {
                return Shell.resolve(session, command);
            }

            @Override
            public String commandName(String command) {
                return command.substring(command.indexOf(':') + 1);
            }

            @Override
            public Object evaluate(LineReader reader, ParsedLine line, String func) throws Exception {
                session.put(Shell.VAR_COMMAND_LINE, line);
                return session.execute(func);
            }
        };
    }

    // <gosh.home>/etc/gosh_profile, as gogo.jline's login shell reads it.
    private void profile(CommandSession session) {
        String home = context.getProperty("gosh.home");
        Path profile = Paths.get(home == null ? System.getProperty("user.dir") : home, "etc", "gosh_profile");
        if (!Files.isRegularFile(profile)) {
            return;
        }
        try {
            session.put("0", profile.toUri());
            session.execute(Files.readString(profile, StandardCharsets.UTF_8));
        } catch (Exception e) {
            error(profile + ": " + String.join(" ", CommandFailure.describe(e, session, "")));
        } finally {
            session.put("0", null);
        }
    }

    private void loop(CommandSession session, LineReader r) {
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> {
            Job job = session.foregroundJob();
            if (job != null) {
                job.interrupt();
            }
        });
        try {
            while (!stopping) {
                String line;
                try {
                    line = r.readLine(Shell.getPrompt(session), Shell.getRPrompt(session), (Character) null, null);
                } catch (UserInterruptException e) {
                    continue; // ^C at the prompt: a fresh line
                } catch (EndOfFileException e) {
                    saveHistory(r);
                    terminal.writer().println();
                    terminal.flush();
                    return;
                } catch (RuntimeException e) {
                    // a bug in line editing must not end the shell: say it, read the next line
                    error("the line editor failed: " + e);
                    continue;
                }
                if (stopping) {
                    return;
                }
                if (!line.isBlank()) {
                    execute(session, line);
                    awaitForeground(session);
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    private void execute(CommandSession session, String line) {
        try {
            Object result = session.execute(line);
            session.put(Shell.VAR_RESULT, result);
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                System.out.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception e) {
            session.put(Shell.VAR_EXCEPTION, e);
            System.out.flush();
            for (String l : CommandFailure.describe(e, session, line)) {
                terminal.writer().println(l);
            }
            terminal.flush();
        }
    }

    // A job brought to the foreground (fg) holds the prompt until it is done, as in Gogo's shell.
    private static void awaitForeground(CommandSession session) {
        Job job;
        while ((job = session.foregroundJob()) != null) {
            synchronized (job) {
                if (job.status() == Job.Status.Foreground) {
                    try {
                        job.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void error(String message) {
        terminal.writer().println("kprobelab: " + message);
        terminal.flush();
    }

    private static void saveHistory(LineReader r) {
        try {
            r.getHistory().save();
        } catch (IOException ignored) {
            // history is a convenience
        }
    }
}
