package io.kprobelab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void testNoArguments_isInteractive() throws Exception {
        CommandLine cl = CommandLine.parse();
        assertTrue(cl.interactive());
        assertNull(cl.elf());
        assertNull(cl.generation());
        assertFalse(cl.help());
    }

    @Test
    void testCommandsAndScripts_keepTheirOrder_elfIsAbsolute() throws Exception {
        Path elf = Files.writeString(dir.resolve("k.elf"), "x");
        Path script = Files.writeString(dir.resolve("s.gosh"), String.join("\n",
                "# comment", "machine:syms", "", "  machine:traps  ", "   # indented comment"));
        CommandLine cl = CommandLine.parse("-c", "lb", "--elf", elf.toString(), "--script", script.toString(),
                "--command=machine:regs", "--generation", "2.6.13");
        assertFalse(cl.interactive());
        assertEquals(elf.toAbsolutePath(), cl.elf());
        assertEquals("2.6.13", cl.generation());
        assertEquals(List.of("lb", "machine:syms", "machine:traps", "machine:regs"), Main.commands(cl));
    }

    @Test
    void testElfEqualsForm_andGeneration2005() throws Exception {
        Path elf = Files.writeString(dir.resolve("k.elf"), "x");
        CommandLine cl = CommandLine.parse("--elf=" + elf, "--generation=2005");
        assertEquals(elf, cl.elf());
        assertEquals("2005", cl.generation());
    }

    @Test
    void testBadCommandLines_areUsageErrors() {
        assertEquals("unknown option: --bogus", usage("--bogus"));
        assertEquals("unknown option: -x", usage("-x"));
        assertEquals("unexpected argument: lb (commands go after -c)", usage("lb"));
        assertEquals("-c needs an argument", usage("-c"));
        assertEquals("--elf needs an argument", usage("--elf"));
        assertEquals("--elf: /nonexistent/k.elf: no such file", usage("--elf", "/nonexistent/k.elf"));
        assertEquals("--elf: " + dir + ": not a regular file", usage("--elf", dir.toString()));
        assertEquals("--script: nope.gosh: no such file", usage("--script", "nope.gosh"));
        assertEquals("unknown generation: 2.6.12 (known: 2005, 2.6.13, 2.6.25)", usage("--generation", "2.6.12"));
    }

    @Test
    void testElfGivenTwice_isAUsageError() throws Exception {
        Path elf = Files.writeString(dir.resolve("k.elf"), "x");
        assertEquals("--elf given twice", usage("--elf", elf.toString(), "--elf", elf.toString()));
    }

    @Test
    void testHelp() throws Exception {
        assertTrue(CommandLine.parse("--help").help());
        assertTrue(CommandLine.parse("-h").help());
    }

    private static String usage(String... args) {
        return assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(args)).getMessage();
    }
}
