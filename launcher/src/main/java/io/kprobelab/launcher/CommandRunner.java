package io.kprobelab.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Exec mode: runs shell commands one by one through Gogo's CommandProcessor and prints each
 * result formatted, as the interactive shell would, and each failure as the console prints it
 * (the shell bundle's {@code CommandFailure}), after {@code kprobelab: }. Gogo's API and the
 * shell's live in their bundles, hence reflection.
 */
final class CommandRunner implements AutoCloseable {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final String SHELL_BUNDLE = "io.kprobelab.shell";
    private static final String FAILURE = "io.kprobelab.shell.CommandFailure";

    /** The console's scopes, so that {@code help} is KprobeLab's here too. */
    static final String SCOPE = "kprobelab:machine:kprobe:guest:*";

    /** {@code Converter.INSPECT}: the level the interactive shell prints results at. */
    private static final int INSPECT = 0;

    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;
    /** {@code CommandFailure.describe(Throwable, CommandSession, CharSequence)}, or null without the shell bundle. */
    private final Method describe;
    private final PrintStream out;
    private final PrintStream err;

    private CommandRunner(Object session, Class<?> sessionType, Method describe, PrintStream out, PrintStream err)
            throws ReflectiveOperationException {
        this.session = session;
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
        this.describe = describe;
        this.out = out;
        this.err = err;
        sessionType.getMethod("put", String.class, Object.class).invoke(session, "SCOPE", SCOPE);
    }

    /**
     * Opens a session on the real standard streams. Not System.out: once gogo.runtime runs,
     * System.out is its per-thread proxy, and a session writing to it recurses.
     */
    static CommandRunner open(BundleContext ctx, PrintStream out, PrintStream err) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(ctx, PROCESSOR, null);
        tracker.open();
        try {
            Object processor = tracker.waitForService(10_000);
            if (processor == null) {
                throw new IllegalStateException("no Gogo CommandProcessor after 10 s");
            }
            ClassLoader gogo = processor.getClass().getClassLoader();
            Class<?> processorType = gogo.loadClass(PROCESSOR);
            Class<?> sessionType = gogo.loadClass(SESSION);
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class).invoke(processor, new FileInputStream(FileDescriptor.in), out, err);
            return new CommandRunner(session, sessionType, describer(ctx, sessionType), out, err);
        } finally {
            tracker.close();
        }
    }

    // The shell bundle's CommandFailure.describe, when the shell bundle is there.
    private static Method describer(BundleContext ctx, Class<?> sessionType) {
        for (Bundle b : ctx.getBundles()) {
            if (SHELL_BUNDLE.equals(b.getSymbolicName())) {
                try {
                    return b.loadClass(FAILURE).getMethod("describe", Throwable.class, sessionType, CharSequence.class);
                } catch (ReflectiveOperationException | IllegalStateException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Runs one command; false (with its error on stderr) when it failed. */
    boolean run(String command) {
        return run(command, null);
    }

    /**
     * Runs one command; false when it failed: then {@code where} it came from (a script's
     * {@code FILE:LINE}, or null) and the command, and its error, on stderr.
     */
    boolean run(String command, String where) {
        try {
            Object result = execute.invoke(session, command);
            if (result != null) {
                out.println(format.invoke(session, result, INSPECT));
            }
            out.flush();
            return true;
        } catch (InvocationTargetException e) {
            out.flush();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (where != null) {
                err.println("kprobelab: " + where + ": " + command);
            }
            err.println("kprobelab: " + String.join("\n", lines(cause, command)));
            if (Boolean.getBoolean("kprobelab.debug")) {
                cause.printStackTrace(err);
            }
            err.flush();
            return false;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    // The shell's words for the failure; without the shell bundle, the message.
    @SuppressWarnings("unchecked")
    private List<String> lines(Throwable cause, String command) {
        if (describe != null) {
            try {
                return (List<String>) describe.invoke(null, cause, session, command);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall back to the message
            }
        }
        return List.of(message(cause));
    }

    /**
     * The message of a failed command, whole: some are several lines (kprobe:add's error_log
     * entry, whose caret line must stay under its command); the exception's type when it has
     * no message.
     */
    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getName();
        }
        return m.stripTrailing();
    }

    @Override
    public void close() {
        try {
            close.invoke(session);
        } catch (ReflectiveOperationException ignored) {
            // the framework is going down anyway
        }
    }
}
