package io.kprobelab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.GuestTask;
import io.kprobelab.guest.ProgramResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** guest:* over a scripted Guest: formats, the exit-status rule, and the failures' messages. */
class GuestCommandsTest {

    /** Plays back {@code output} and returns {@code pid}/{@code status}; records the command lines. */
    static final class ScriptedGuest implements Guest {
        final List<String> runs = new ArrayList<>();
        int pid = 7, status;
        String output = "";
        List<GuestTask> tasks = List.of();
        String log = "";

        @Override
        public ProgramResult run(String program, List<String> args, IntConsumer out) {
            runs.add(program + args);
            if (program.contains(" ")) {
                throw new IllegalArgumentException("the guest splits its command line at spaces");
            }
            for (byte b : output.getBytes(StandardCharsets.UTF_8)) {
                out.accept(b & 0xff);
            }
            return new ProgramResult(pid, status, 1, output);
        }

        @Override
        public List<GuestTask> tasks() {
            return tasks;
        }

        @Override
        public String dmesg() {
            return log;
        }
    }

    @Test
    void testRun_statusZero_printsOutput_nonZeroFailsWithOneLine() {
        ScriptedGuest g = new ScriptedGuest();
        GuestCommands c = new GuestCommands(g);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        g.output = "mkdir: cannot create directory '/a': File exists\n";
        g.status = 1;
        CommandError e = assertThrows(CommandError.class, () -> c.run("mkdir", new String[] {"/a", "/a"}, out));
        assertEquals("mkdir exited with status 1", e.toString());
        assertEquals(g.output, bytes.toString(StandardCharsets.UTF_8), "printed, and flushed, before failing");
        assertEquals(List.of("mkdir[/a, /a]"), g.runs);

        g.status = 0;
        g.output = "ok\n";
        c.run("mkdir", new String[] {"/b"}, out);
        g.pid = -2;
        g.status = 127;
        assertEquals("nosuch: cannot run: error -2 (no such program)",
                assertThrows(CommandError.class, () -> c.run("nosuch", new String[0], out)).getMessage());
        assertThrows(CommandError.class, () -> c.run("a b", new String[0], out));
    }

    @Test
    void testPs_header_andOneLinePerTask() {
        ScriptedGuest g = new ScriptedGuest();
        g.tasks = List.of(new GuestTask(0, 0, 'R', 12, "swapper"), new GuestTask(12, 0, 'S', 3, "sleep"),
                new GuestTask(13, 12, 'Z', 0, "mkdir"));
        assertEquals(String.join("\n",
                "  PID  PPID S    TICKS COMMAND",
                "    0     0 R       12 swapper",
                "   12     0 S        3 sleep",
                "   13    12 Z        0 mkdir"), new GuestCommands(g).ps());
    }

    @Test
    void testDmesg_withoutTheLastNewline_emptyIsNothing() {
        ScriptedGuest g = new ScriptedGuest();
        assertNull(new GuestCommands(g).dmesg());
        g.log = "[    0.000000] a\n[    0.000000] b\n";
        assertEquals("[    0.000000] a\n[    0.000000] b", new GuestCommands(g).dmesg());
    }

    @Test
    void testNoGuest_saysWhy() {
        CommandUnavailable e = assertThrows(CommandUnavailable.class, () -> new GuestCommands().ps());
        assertEquals("no guest: the guest kernel is not running (bare mode with --elf, or see the log for why)",
                e.getMessage());
    }
}
