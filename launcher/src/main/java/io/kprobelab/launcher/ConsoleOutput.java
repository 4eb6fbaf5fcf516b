package io.kprobelab.launcher;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The process's standard output or error as the runtime writes it through {@code System.out}
 * and {@code System.err} (Gogo's ThreadIO hands them to every thread that is not running a
 * command: the guest's console, probe handlers, FileInstall, logging). Normally straight through;
 * muted ({@code -q}) while the guest boots and init runs; and while the console offers a line
 * printer (a {@code Consumer<String>} service with {@value #LINES}), line by line through it, so a
 * line another thread prints appears above the prompt, which is drawn again, instead of over it.
 */
final class ConsoleOutput extends OutputStream {

    /** The console's service property (io.kprobelab.console's ConsoleService.LINES_PROPERTY). */
    static final String LINES = "kprobelab.console.lines";

    private final PrintStream target;
    private volatile boolean muted;
    private volatile Consumer<String> lines;
    private final ThreadLocal<ByteArrayOutputStream> partial = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    ConsoleOutput(PrintStream target) {
        this.target = target;
    }

    /** Replaces System.out and System.err with switchable ones; returns them (out, err). */
    static ConsoleOutput[] install() {
        ConsoleOutput out = new ConsoleOutput(System.out);
        ConsoleOutput err = new ConsoleOutput(System.err);
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ConsoleOutput[] {out, err};
    }

    void mute(boolean on) {
        if (on) {
            target.flush();
        }
        muted = on;
    }

    /**
     * Follows the console's line printer in {@code ctx} while it is registered; returns the
     * tracker to close.
     */
    static ServiceTracker<?, ?> follow(BundleContext ctx, ConsoleOutput... outputs) {
        Filter f;
        try {
            f = FrameworkUtil.createFilter("(&(objectClass=" + Consumer.class.getName() + ")(" + LINES + "=true))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ServiceTracker<Object, Object> t = new ServiceTracker<>(ctx, f, null) {
            @Override
            @SuppressWarnings("unchecked")
            public Object addingService(ServiceReference<Object> ref) {
                Object s = super.addingService(ref);
                if (s instanceof Consumer<?> c) {
                    for (ConsoleOutput o : outputs) {
                        o.lines = (Consumer<String>) c;
                    }
                }
                return s;
            }

            @Override
            public void removedService(ServiceReference<Object> ref, Object service) {
                for (ConsoleOutput o : outputs) {
                    o.lines = null;
                }
                super.removedService(ref, service);
            }
        };
        t.open();
        return t;
    }

    @Override
    public void write(int b) {
        if (muted) {
            return;
        }
        Consumer<String> l = lines;
        if (l == null) {
            target.write(b);
            return;
        }
        ByteArrayOutputStream buf = partial.get();
        if (b == '\n') {
            String line = buf.toString(StandardCharsets.UTF_8);
            buf.reset();
            l.accept(line);
        } else {
            buf.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (muted) {
            return;
        }
        if (lines == null) {
            target.write(b, off, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    @Override
    public void flush() {
        if (!muted && lines == null) {
            target.flush();
        }
    }
}
