package io.kprobelab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void testMessage_keepsEveryLine_soTheCaretStaysUnderItsCommand() {
        String log = "error: Probe point is not an instruction boundary\n"
                + "  Command: p:bad kprobe_target+1\n"
                + "                 ^";
        assertEquals(log, CommandRunner.message(new IllegalArgumentException(log + "\n")));
    }

    @Test
    void testMessage_withoutOne_isTheExceptionsType() {
        assertEquals("java.lang.IllegalStateException", CommandRunner.message(new IllegalStateException()));
        assertEquals("java.lang.IllegalStateException", CommandRunner.message(new IllegalStateException(" ")));
    }
}
