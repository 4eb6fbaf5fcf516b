package io.kprobelab.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Parameter;
import org.jline.builtins.Completers;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys typed into JLine's line reader as the console builds it (its parser and completer over a
 * Gogo session): what the line is once Enter is pressed.
 */
class ConsoleLineEditingTest {

    /** Commands shaped as KprobeLab's (their completion reads the shapes). */
    public static final class Kprobe {
        public void add(String... definition) {
        }

        public void remove(@Parameter(names = {"-a", "--all"}, presentValue = "true", absentValue = "false") boolean all,
                String... event) {
        }

        public void generation(String name) {
        }
    }

    public static final class Guest {
        public void run(String program, String... arg) {
        }
    }

    public static final class MachineCall {
        public String call(@Parameter(names = "--repeat", absentValue = "1") int repeat, String symbol, String... arg) {
            return "";
        }
    }

    final ThreadIOImpl tio = new ThreadIOImpl();
    final CommandProcessorImpl processor = new CommandProcessorImpl(tio);
    final CommandSession session;
    final Completions completions = new Completions(() -> List.of("sys_mkdir", "sys_rmdir", "do_mkdirat", "lea_target"),
            () -> List.of("kprobes/mku", "kprobes/myprobe"));

    ConsoleLineEditingTest() {
        tio.start();
        processor.addCommand("kprobe", new Kprobe(), "add");
        processor.addCommand("kprobe", new Kprobe(), "remove");
        processor.addCommand("kprobe", new Kprobe(), "generation");
        processor.addCommand("guest", new Guest(), "run");
        processor.addCommand("machine", new MachineCall(), "call");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), System.out, System.err);
        session.put("SCOPE", Console.SCOPE);
    }

    @AfterEach
    void close() {
        session.close();
        tio.stop();
    }

    /** The line {@code keys} leave when they end with Enter, read as the console reads it. */
    String typed(String keys, org.jline.reader.Parser parser, Completer completer) throws Exception {
        // a pipe kept open while the line is read (at end of input the terminal closes its reader)
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        java.io.PipedInputStream in = new java.io.PipedInputStream(keyboard, 4096);
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        Terminal t = TerminalBuilder.builder().system(false).type("xterm").size(new Size(120, 40))
                .streams(in, new ByteArrayOutputStream()).build();
        try (t; keyboard) {
            LineReader r = LineReaderBuilder.builder().terminal(t).parser(parser).completer(completer).build();
            return r.readLine("kprobelab> ");
        }
    }

    String typed(String keys) throws Exception {
        Completer profile = new Completers.Completer(new Completers.CompletionEnvironment() {
            @Override public Map<String, List<Completers.CompletionData>> getCompletions() { return Map.of(); }
            @Override public java.util.Set<String> getCommands() { return java.util.Set.of(); }
            @Override public String resolveCommand(String command) { return command; }
            @Override public String commandName(String command) { return command; }
            @Override public Object evaluate(LineReader reader, org.jline.reader.ParsedLine line, String func) { return null; }
        });
        return typed(keys, new ConsoleParser(new org.apache.felix.gogo.jline.Parser()),
                new ConsoleCompleter(session, profile, completions.byCommand()));
    }

    @Test
    void tabInsideQuotes_completesTheSymbol_andLeavesTheQuoteOpen() throws Exception {
        assertEquals("kprobe:add 'r:myret sys_mkdir $retval'", typed("kprobe:add 'r:myret sys_mk\t $retval'\r"));
        assertEquals("kprobe:add \"r:myret sys_mkdir\"", typed("kprobe:add \"r:myret sys_mk\t\"\r"));
        assertEquals("kprobe:add 'p:x lea_target'", typed("kprobe:add 'p:x lea\t'\r"));
        assertEquals("kprobe:add p:x sys_mkdir ", typed("kprobe:add p:x sys_mk\t\r"));
    }

    /** Gogo's own parser put the cursor past a quoted word's end: JLine's matcher threw. */
    @Test
    void gogosParserAlone_failsThere() {
        assertThrows(StringIndexOutOfBoundsException.class, () -> typed("kprobe:add 'r:myret sys_mk\t'\r",
                new org.apache.felix.gogo.jline.Parser(), (r, l, c) -> { }));
    }

    @Test
    void eachGuestProgram_completesItsOwnArguments() throws Exception {
        assertEquals("guest:run fault ", typed("guest:run fa\t\r"));
        assertEquals("guest:run fault null ", typed("guest:run fault nu\t\r"));
        assertEquals("guest:run kill -KILL ", typed("guest:run kill -K\t\r"));
        // sh's separators are quoted (bare, Gogo takes ; and & as its own)
        assertEquals("guest:run sh spin 1 ';' fault ", typed("guest:run sh spin 1 ';' fau\t\r"));
        assertEquals("guest:run mkdir /a", typed("guest:run mkdir /a\t\r"), "paths: nothing to offer");
    }

    @Test
    void generations_eventsAndOptions() throws Exception {
        assertEquals("kprobe:generation 2.6.25 ", typed("kprobe:generation 2.6.2\t\r"));
        assertEquals("kprobe:remove myprobe ", typed("kprobe:remove myp\t\r"));
        assertEquals("kprobe:add -:mku ", typed("kprobe:add -:mk\t\r"));
        assertEquals("machine:call --repeat ", typed("machine:call --rep\t\r"));
        assertEquals("machine:call --repeat 5 sys_rmdir ", typed("machine:call --repeat 5 sys_r\t\r"));
    }

    @Test
    void aCompleterThatThrows_leavesTheLineAlone() throws Exception {
        Completer broken = (r, l, c) -> {
            throw new IllegalStateException("a bug");
        };
        ConsoleCompleter c = new ConsoleCompleter(session, broken, Map.of());
        assertEquals("gogo:each x", typed("gogo:each x\t\r", new ConsoleParser(new org.apache.felix.gogo.jline.Parser()), c));
    }
}
