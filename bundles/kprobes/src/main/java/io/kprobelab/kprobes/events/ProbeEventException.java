package io.kprobelab.kprobes.events;

import io.kprobelab.kprobes.Errno;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A kprobe_events command the kernel would refuse. Most refusals are logged in {@code error_log}
 * with a code, a message and a caret ({@link #error()} is present); a few only fail the write
 * with an errno, as the kernel does for a command that is not a kprobe definition or a removal
 * that matches nothing ({@link #error()} is empty, {@link #errorLog()} returns no lines).
 */
public final class ProbeEventException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What {@code error_log} puts before the command: its width sets the caret's indentation. */
    private static final String COMMAND_PREFIX = "  Command: ";

    private final ProbeEventError error;
    private final Errno errno;
    private final String command;
    private final int caret;
    private final ProbeEventException earlier;

    /**
     * A logged error.
     *
     * @param error   the kernel's error code
     * @param errno   what the write returns
     * @param command the command as the kernel echoes it (arguments joined by one space)
     * @param caret   the column of the offending byte in {@code command} (may be past its end)
     */
    public ProbeEventException(ProbeEventError error, Errno errno, String command, int caret) {
        this(error, errno, command, caret, null);
    }

    /**
     * A logged error that the kernel logs after another one for the same command (both entries
     * appear in {@code error_log}, {@code earlier} first).
     */
    public ProbeEventException(ProbeEventError error, Errno errno, String command, int caret,
            ProbeEventException earlier) {
        super(error.message());
        this.error = error;
        this.errno = Objects.requireNonNull(errno);
        this.command = Objects.requireNonNull(command);
        this.caret = caret;
        this.earlier = earlier;
    }

    /** A refusal the kernel does not log (only the write fails). */
    public ProbeEventException(Errno errno, String command, String why) {
        super(why);
        this.error = null;
        this.errno = Objects.requireNonNull(errno);
        this.command = Objects.requireNonNull(command);
        this.caret = -1;
        this.earlier = null;
    }

    /** The error code, when the kernel logs this refusal. */
    public Optional<ProbeEventError> error() {
        return Optional.ofNullable(error);
    }

    /** The errno the write to {@code kprobe_events} fails with. */
    public Errno errno() {
        return errno;
    }

    /** The command, arguments joined by single spaces as in {@code error_log}. */
    public String command() {
        return command;
    }

    /** Column of the caret within {@link #command()}, or -1 when nothing is logged. */
    public int caret() {
        return caret;
    }

    /**
     * The {@code error_log} entry without its timestamp and subsystem: {@code error: <message>},
     * {@code   Command: <command>} and the caret line, the caret under the offending byte.
     * Empty when the kernel logs nothing for this refusal; six lines when it logs two errors.
     */
    public List<String> errorLog() {
        if (error == null) {
            return List.of();
        }
        List<String> own = List.of("error: " + error.message(), COMMAND_PREFIX + command,
                " ".repeat(COMMAND_PREFIX.length() + caret) + "^");
        if (earlier == null) {
            return own;
        }
        List<String> all = new java.util.ArrayList<>(earlier.errorLog());
        all.addAll(own);
        return List.copyOf(all);
    }
}
