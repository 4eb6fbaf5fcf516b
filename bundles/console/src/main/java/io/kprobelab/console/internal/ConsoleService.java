package io.kprobelab.console.internal;

import io.kprobelab.kprobes.events.ProbeEvents;
import io.kprobelab.machine.Machine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Consumer;
import org.apache.felix.gogo.jline.Builtin;
import org.apache.felix.gogo.jline.Converters;
import org.apache.felix.gogo.jline.Posix;
import org.apache.felix.gogo.jline.Procedural;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.threadio.ThreadIO;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The console as a component: what gogo.jline's activator does (Gogo's builtin, procedural and
 * posix commands, its converters, the system terminal) with KprobeLab's {@link Console} as the
 * shell loop. gogo.jline is installed as a library and never started, so there is one shell.
 */
@Component(immediate = true)
public final class ConsoleService {

    /** Property of the service that prints background lines above the prompt (the launcher tracks it). */
    public static final String LINES_PROPERTY = "kprobelab.console.lines";

    // gogo.jline's command lists (package-private there). Not Shell's help: KprobeLab has its own.
    private static final String[] BUILTIN = {"format", "getopt", "new", "set", "tac", "type", "jobs", "fg", "bg",
        "keymap", "setopt", "unsetopt", "complete", "history", "widget", "__files", "__directories",
        "__usage_completion"};
    private static final String[] PROCEDURAL = {"each", "if", "not", "throw", "try", "until", "while", "break",
        "continue"};
    private static final String[] POSIX = {"cat", "echo", "grep", "sort", "sleep", "cd", "pwd", "ls", "less",
        "watch", "nano", "head", "tail", "clear", "wc", "date"};
    private static final String[] SHELL = {"source"};

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Machine machine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProbeEvents events;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final Terminal terminal;
    private final Console console;
    private final Thread thread;

    @Activate
    public ConsoleService(BundleContext context, @Reference CommandProcessor processor, @Reference ThreadIO tio)
            throws IOException {
        registrations.add(context.registerService(Converter.class, new Converters(context.getBundle(0).getBundleContext()), null));
        register(context, Builtin.class, new Builtin(), BUILTIN);
        register(context, Procedural.class, new Procedural(), PROCEDURAL);
        register(context, Posix.class, new Posix(processor), POSIX);
        Shell shell = new Shell(new Shell.Context() {
            @Override
            public String getProperty(String name) {
                return context.getProperty(name);
            }

            @Override
            public void exit() throws Exception {
                context.getBundle(0).stop();
            }
        }, processor);
        register(context, Shell.class, shell, SHELL);
        terminal = systemTerminal();
        Completions sources = Completions.of(() -> machine, () -> events);
        console = new Console(context, processor, tio, terminal, sources);
        if (!Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(LINES_PROPERTY, Boolean.TRUE);
            Consumer<String> lines = console::printAbove;
            registrations.add(context.registerService(Consumer.class, lines, props));
        }
        thread = new Thread(console, "kprobelab-console");
        thread.start();
    }

    private <T> void register(BundleContext context, Class<T> type, T commands, String[] functions) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(CommandProcessor.COMMAND_SCOPE, "gogo");
        props.put(CommandProcessor.COMMAND_FUNCTION, functions);
        registrations.add(context.registerService(type, commands, props));
    }

    /**
     * The process's terminal, as gogo.jline builds it: signals handled in Java (^C reaches the
     * console, which interrupts the running command). JLine finds its terminal providers through
     * the context class loader, so it is set to JLine's own while building.
     */
    private static Terminal systemTerminal() throws IOException {
        Thread self = Thread.currentThread();
        ClassLoader saved = self.getContextClassLoader();
        self.setContextClassLoader(TerminalBuilder.class.getClassLoader());
        try {
            return TerminalBuilder.builder()
                    .name("kprobelab")
                    .system(true)
                    .nativeSignals(true)
                    .signalHandler(Terminal.SignalHandler.SIG_IGN)
                    .build();
        } finally {
            self.setContextClassLoader(saved);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        console.stop();
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        try {
            terminal.close();
        } catch (IOException ignored) {
            // going away anyway
        }
        thread.interrupt();
        thread.join(5_000);
    }
}
