package io.kprobelab.shell;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.gogo.runtime.CommandNotFoundException;
import org.apache.felix.service.command.CommandSession;

/**
 * The one format of a failed command, for the interactive console and for {@code -c} and
 * {@code --script}: its message in plain words, one line (the kernel's error_log entry of
 * {@code kprobe:add} keeps its three lines, caret included), never a Java class name; for a call
 * that fits none of the command's overloads, what is wrong and the usage; {@code ^C} for an
 * interrupted command.
 */
public final class CommandFailure {

    /** What an interrupted command prints (the terminal's echo of the key, which the console turns off). */
    public static final String INTERRUPTED = "^C";

    /** Gogo's message when no overload accepts the arguments: {@code Cannot coerce run() to any of [...]}. */
    private static final Pattern COERCE = Pattern.compile("Cannot coerce (\\w+)\\((.*?)\\) to any of .*", Pattern.DOTALL);

    /** A Java class name heading a message ({@code java.lang.IllegalStateException: }), left by a wrapped cause. */
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    private CommandFailure() {
    }

    /**
     * The lines to print for {@code failure}, thrown by running {@code line} in {@code session}
     * (which resolves the command names in it).
     */
    public static List<String> describe(Throwable failure, CommandSession session, CharSequence line) {
        Throwable t = unwrap(failure);
        if (interrupted(t)) {
            return List.of(INTERRUPTED);
        }
        if (t instanceof CommandNotFoundException nf) {
            return List.of("Command not found: " + nf.getCommand() + " ('help' lists the commands)");
        }
        String message = t.getMessage();
        if (t instanceof IllegalArgumentException && message != null) {
            Matcher m = COERCE.matcher(message);
            if (m.matches()) {
                return wrongCall(session, line, m.group(1), m.group(2));
            }
        }
        return text(t);
    }

    /** True when {@code t}, or one of its causes, is an interruption (^C). */
    public static boolean interrupted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedException || c instanceof CancellationException
                    || INTERRUPTED.equals(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    // Reflection and futures wrap what the command threw; Gogo's pipes gather failures as suppressed.
    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (true) {
            if ((c instanceof InvocationTargetException || c instanceof UndeclaredThrowableException
                    || c instanceof ExecutionException) && c.getCause() != null) {
                c = c.getCause();
            } else if (c.getSuppressed().length > 0 && "Exception caught during pipe execution".equals(c.getMessage())) {
                c = c.getSuppressed()[0];
            } else {
                return c;
            }
        }
    }

    // The message, its lines kept (kprobe:add's caret), a leading class name dropped; an exception
    // without a message says what went wrong in words.
    private static List<String> text(Throwable t) {
        String m = t.getMessage();
        Throwable c = t;
        while ((m == null || m.isBlank()) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
            m = c.getMessage();
        }
        if (m == null || m.isBlank()) {
            return List.of("internal error: " + words(c.getClass().getSimpleName())
                    + " (run with -Dkprobelab.debug=true for the stack trace)");
        }
        List<String> lines = new ArrayList<>();
        for (String l : m.stripTrailing().split("\n")) {
            lines.add(l);
        }
        String first = lines.get(0);
        Matcher p;
        while ((p = CLASS_PREFIX.matcher(first)).find()) {
            first = first.substring(p.end());
        }
        lines.set(0, first);
        return lines;
    }

    // NullPointerException: "null pointer exception".
    private static String words(String simpleName) {
        return simpleName.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ENGLISH);
    }

    /**
     * No overload took the arguments: say whether some are missing or extra, then the usage. The
     * command is the word of {@code line} that resolves to a command whose function is {@code fn}.
     */
    private static List<String> wrongCall(CommandSession session, CharSequence line, String fn, String given) {
        int count = given.isBlank() ? 0 : given.split(",").length;
        Optional<CommandInfo> info = Optional.empty();
        for (String word : line.toString().trim().split("[\\s;|&()]+")) {
            String f = word.substring(word.indexOf(':') + 1);
            if (f.equalsIgnoreCase(fn)) {
                info = CommandInfo.of(session, word);
                if (info.isPresent()) {
                    break;
                }
            }
        }
        if (info.isEmpty() || info.get().functions().isEmpty()) {
            return List.of(fn + ": wrong arguments");
        }
        CommandInfo c = info.get();
        int min = c.functions().stream().mapToInt(CommandInfo.Function::minOperands).min().orElse(0);
        int max = c.functions().stream().mapToInt(CommandInfo.Function::maxOperands).max().orElse(0);
        String what = count < min ? "missing arguments" : count > max ? "too many arguments" : "wrong arguments";
        List<String> out = new ArrayList<>();
        out.add(c.name() + ": " + what);
        List<String> usages = c.synopses();
        for (int i = 0; i < usages.size(); i++) {
            out.add((i == 0 ? "usage: " : "       ") + usages.get(i));
        }
        return out;
    }
}
