package io.kprobelab.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Exec mode: runs shell commands one by one through Gogo's CommandProcessor and prints each
 * result formatted, as the interactive shell would. Gogo's API lives in its bundle, hence
 * reflection.
 */
final class CommandRunner implements AutoCloseable {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";

    /** {@code Converter.INSPECT}: the level the interactive shell prints results at. */
    private static final int INSPECT = 0;

    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;
    private final PrintStream out;
    private final PrintStream err;

    private CommandRunner(Object session, Class<?> sessionType, PrintStream out, PrintStream err)
            throws NoSuchMethodException {
        this.session = session;
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
        this.out = out;
        this.err = err;
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
            return new CommandRunner(session, sessionType, out, err);
        } finally {
            tracker.close();
        }
    }

    /** Runs one command; false (with its error on stderr) when it failed. */
    boolean run(String command) {
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
            err.println("kprobelab: " + message(cause));
            if (Boolean.getBoolean("kprobelab.debug")) {
                cause.printStackTrace(err);
            }
            err.flush();
            return false;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
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
