package io.kprobelab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.shell.CommandFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The commands as users reach them: through Gogo's parser and coercion (a real command processor,
 * as the console and -c use), and failures in the words {@link CommandFailure} gives them.
 */
class GogoSessionTest {

    final GuestCommandsTest.ScriptedGuest guest = new GuestCommandsTest.ScriptedGuest();
    final KprobeCommandsTest.FakeRegistry registry = new KprobeCommandsTest.FakeRegistry();
    final ThreadIOImpl tio = new ThreadIOImpl();
    final CommandProcessorImpl processor = new CommandProcessorImpl(tio);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CommandSession session;

    GogoSessionTest() {
        tio.start();
        // the functions each component registers (its osgi.command.function properties)
        add("guest", new GuestCommands(guest), "run", "ps", "dmesg");
        add("kprobe", new KprobeCommands(registry, new KprobeCommandsTest.FakeEvents()), "add", "remove", "events",
                "list", "profile", "enable", "disable", "enabled", "trace", "clear", "pipe", "blacklist", "generation");
        add("machine", new MachineCommands(new FakeMachine(0xffffffff81000000L, new byte[16])
                .sym("add3", 0xffffffff81000000L, 8, 'T')), "call", "traps", "disasm", "syms", "regs", "mem");
        add("kprobelab", new HelpCommand(), "help");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        session.put("SCOPE", "kprobelab:machine:kprobe:guest:*");
    }

    private void add(String scope, Object target, String... functions) {
        for (String f : functions) {
            processor.addCommand(scope, target, f);
        }
    }

    @AfterEach
    void close() {
        session.close();
        tio.stop();
    }

    /** The lines a failed command prints. */
    List<String> failure(String line) {
        Exception e = assertThrows(Exception.class, () -> session.execute(line));
        return CommandFailure.describe(e, session, line);
    }

    @Test
    void nullIsAWord_gogoWouldPassJavaNull() throws Exception {
        session.execute("guest:run fault null");
        session.execute("guest:run null");
        assertEquals(List.of("fault[null]", "null[]"), guest.runs);
    }

    @Test
    void wrongCalls_sayWhatIsWrong_andTheUsage_noJavaNames() {
        assertEquals(List.of("guest:run: missing arguments", "usage: guest:run PROGRAM [ARG]..."),
                failure("guest:run"));
        assertEquals(List.of("machine:mem: missing arguments", "usage: machine:mem ADDRESS LENGTH"),
                failure("machine:mem foo"));
        assertEquals(List.of("machine:regs: wrong arguments", "usage: machine:regs", "       machine:regs CPU"),
                failure("machine:regs x"));
        assertEquals(List.of("unknown generation '2.6.99' (known: 2005, 2.6.13, 2.6.25)"),
                failure("kprobe:generation 2.6.99"));
        registry.busy = true;
        List<String> busy = failure("kprobe:generation 2.6.13");
        assertEquals(1, busy.size());
        assertTrue(busy.get(0).startsWith("EBUSY: "), busy.toString());
        assertEquals(List.of("Command not found: nosuch ('help' lists the commands)"), failure("nosuch"));
    }

    @Test
    void interruptedGuestRun_printsTheKey() {
        Thread.currentThread().interrupt(); // as if ^C came while the program ran
        try {
            guest.status = 130;
            assertEquals(List.of(CommandFailure.INTERRUPTED), failure("guest:run spin 100000000000"));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void help_listsKprobeLabsScopesFirst_oneLineEach_gogosOnRequest() throws Exception {
        processor.addCommand("gogo", new Object() {
            public void each() {
            }
        }, "each");
        String help = session.execute("help").toString();
        List<String> lines = List.of(help.split("\n"));
        assertTrue(lines.get(0).startsWith("KprobeLab's commands"), help);
        assertTrue(lines.stream().anyMatch(l -> l.matches("  machine:call +call a guest function with integer arguments.*")), help);
        assertTrue(lines.stream().anyMatch(l -> l.matches("  guest:run +start a program in the guest and print.*")), help);
        assertTrue(lines.stream().anyMatch(l -> l.matches("  kprobe:generation +show \\(without NAME\\) or switch the generation.*")), help);
        assertTrue(lines.indexOf(lines.stream().filter(l -> l.startsWith("  machine:")).findFirst().get())
                < lines.indexOf(lines.stream().filter(l -> l.startsWith("  kprobe:")).findFirst().get()), help);
        assertTrue(!help.contains("gogo:each"), "Gogo's own only on request: " + help);
        assertTrue(help.contains("'help --all'"), help);
        assertTrue(session.execute("help --all").toString().contains("  gogo:each"));
        assertTrue(session.execute("help gogo").toString().contains("  gogo:each"));
        assertTrue(lines.stream().allMatch(l -> l.length() <= HelpCommand.DEFAULT_WIDTH), help);
    }

    @Test
    void helpCommand_wrapsAtTheTerminalsWidth_listsFaultsKinds() throws Exception {
        session.put("COLUMNS", 60);
        String add = session.execute("help kprobe:add").toString();
        assertTrue(add.startsWith("kprobe:add [DEFINITION]...\n    define a probe event"), add);
        for (String l : add.split("\n")) {
            assertTrue(l.length() <= 60, "longer than 60: " + l);
        }
        assertTrue(add.contains("single quotes"), add);
        String run = session.execute("help guest:run").toString();
        assertTrue(run.contains("\n  fault KIND (hlt|kread|kwrite|null|text|ud) "), run);
        assertTrue(run.contains("\n  kill [-SIGNAL] PID... "), run);
        String call = session.execute("help machine:call").toString();
        assertTrue(call.startsWith("machine:call [--repeat N] SYMBOL [ARG]...\n"), call);
        assertTrue(call.contains("\n  --repeat N "), call);
    }

}
