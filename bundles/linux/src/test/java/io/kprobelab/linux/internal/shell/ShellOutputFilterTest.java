package io.kprobelab.linux.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console bytes of one command as busybox ash on a tty writes them, split into output and status. */
class ShellOutputFilterTest {

    private static final String ECHO = "printf '\\033]133;C\\007'; mkdir /tmp/a; printf '\\033]133;D;%d\\007' $?\r\n";
    private static final String PROMPT = "\033]133;D;0\007/ # \033[6n";

    private static String feed(ShellOutputFilter f, String console) {
        for (byte b : console.getBytes(StandardCharsets.UTF_8)) {
            f.accept(b);
        }
        return "";
    }

    @Test
    void outputBetweenTheMarks_withCrLfAsLf_andTheStatus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShellOutputFilter f = new ShellOutputFilter(out::write);
        feed(f, PROMPT + ECHO + "\033]133;C\007mkdir: can't create directory '/tmp/a': File exists\r\n"
                + "\033]133;D;1\007" + PROMPT);
        assertTrue(f.done());
        assertEquals(1, f.status());
        assertEquals("mkdir: can't create directory '/tmp/a': File exists\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theEchoedTextOfTheMarksIsNotAMark() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShellOutputFilter f = new ShellOutputFilter(out::write);
        feed(f, ECHO);
        assertFalse(f.started(), "the echo shows \\033 as text, never the escape byte");
    }

    @Test
    void otherEscapeSequencesAndLoneCarriageReturnsPassThrough() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShellOutputFilter f = new ShellOutputFilter(out::write);
        feed(f, "\033]133;C\007\033[1;32mgreen\033[0m\rover\r\n\033]133;X\033]133;D;x\033]133;D;1234\007"
                + "\033]133;D;255\007after");
        assertEquals("\033[1;32mgreen\033[0m\rover\n\033]133;X\033]133;D;x\033]133;D;1234\007",
                out.toString(StandardCharsets.UTF_8));
        assertEquals(255, f.status());
    }

    @Test
    void aPartialStartMarkRestartsTheMatch() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShellOutputFilter f = new ShellOutputFilter(out::write);
        feed(f, "\033]13\033]133;C\007ok\r\n\033]133;D;0\007");
        assertEquals("ok\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(0, f.status());
    }
}
