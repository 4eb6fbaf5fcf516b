package io.kprobelab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell in a real terminal, as a user meets it: the launcher runs in a tmux
 * session (a pseudo-terminal with a screen), keys are typed into it, and the screen is read back
 * and asserted. Every wait is for something to appear on the screen, with a generous deadline;
 * nothing is timed. tmux must be installed ({@code .ci/run} installs it).
 */
class TerminalIT {

    /** Longest wait for one thing to appear (a slow CI machine boots the JVM and the guest in it). */
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);

    static final String PROMPT = "kprobelab> ";

    /** Our own tmux server: its socket is ours alone, and goes with the test. */
    final String socket = "kprobelab-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @TempDir
    Path home;

    @BeforeAll
    static void tmuxIsThere() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("tmux is not installed: the terminal test drives the shell through it "
                    + "(apt-get install tmux; .ci/run installs it)");
            return;
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "tmux -V failed");
    }

    @AfterEach
    void killOurServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void aNewUsersFirstMinutes_inARealTerminal() throws Exception {
        // the shipped config/ and the build's deploy/, in a home of our own
        Files.createDirectories(home.resolve("config"));
        try (var cfgs = Files.list(Path.of("../config"))) {
            for (Path cfg : cfgs.toList()) {
                Files.copy(cfg, home.resolve("config").resolve(cfg.getFileName()));
            }
        }
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")), home.resolve("deploy/probe-mkdir-exit.jar"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(System.getProperty("kprobelab.launcher.jar")).toAbsolutePath().toString();
        String run = "cd '" + home + "' && HOME='" + home + "' '" + java + "' -XX:+UseSerialGC -Dkprobelab.home='" + home
                + "' -jar '" + jar + "'; echo \"kprobelab exited with status $?\"; sleep 600";
        tmux("new-session", "-d", "-s", "kl", "-x", "160", "-y", "50", run);

        String screen = waitFor("the prompt", s -> s.contains("^D quits.") && s.endsWith(PROMPT.strip()));
        assertTrue(screen.contains("init: mkdir exited with status 0\ninit: done\n"), screen);

        // Tab in a single-quoted definition: the symbol completes, the quote stays open
        keys("kprobe:add 'r:mku sys_mk");
        tab();
        keys(" $retval'");
        screen = enter("kprobe:add 'r:mku sys_mkdir $retval'");
        // ... in a double-quoted one
        keys("kprobe:add \"p:mkp sys_mk");
        tab();
        keys("\"");
        screen = enter("kprobe:add \"p:mkp sys_mkdir\"");
        assertEquals("kprobelab> kprobe:events\nr1:kprobes/mku sys_mkdir arg1=$retval\np:kprobes/mkp sys_mkdir\n"
                + PROMPT.strip(), tail(command("kprobe:events"), 4));

        // help: KprobeLab's commands, one line each; Gogo's on request
        screen = command("help");
        String help = after(screen, PROMPT + "help\n");
        assertTrue(help.startsWith("KprobeLab's commands"), help);
        assertTrue(help.contains("\n  kprobe:add ") && help.contains("\n  guest:run "), help);
        assertTrue(!help.contains("context:") && help.contains("'help --all'"), help);

        // a refused definition: the kernel's error_log entry, caret under the offending byte
        screen = command("kprobe:add 'p:bad sys_mkdir+2'");
        assertTrue(after(screen, PROMPT + "kprobe:add 'p:bad sys_mkdir+2'\n").startsWith(
                "error: Probe point is not an instruction boundary\n"
                + "  Command: p:bad sys_mkdir+2\n"
                + "                 ^\n"), screen);

        // Tab after guest:run fault: its kinds; null typed bare is a word, not Java's null
        keys("guest:run fault nu");
        tab();
        screen = enter("guest:run fault null ");
        assertTrue(after(screen, PROMPT + "guest:run fault null").contains("fault exited with status 139\n"), screen);

        // ^C during a program: it is ended (SIGINT) and reaped; the next one runs at once
        command("kprobe:enable mku");
        keys("guest:run sh spin 40000000 ';' spin 100000000000");
        enterKey();
        // (the screen's last line has no newline: the second spin prints nothing for hours)
        waitFor("the first spin to finish", s -> s.contains(": 4/4"));
        tmux("send-keys", "-t", "kl", "C-c");
        screen = waitFor("^C and the prompt", s -> s.endsWith("\n^C\n" + PROMPT.strip()));
        screen = command("guest:run mkdir /w4");
        assertTrue(after(screen, PROMPT + "guest:run mkdir /w4\n").startsWith("sys_mkdir exited, returned 0\n"), screen);
        screen = command("guest:ps");
        assertEquals("  PID  PPID S    TICKS COMMAND", after(screen, PROMPT + "guest:ps\n").lines().findFirst().orElse(""));
        assertEquals(2, after(screen, PROMPT + "guest:ps\n").lines().count() - 1, "swapper alone, and the prompt:\n" + screen);

        // editing the kprobes configuration with a shell event enabled: refused, said above the prompt, nothing lost
        Path cfg = home.resolve("config/io.kprobelab.kprobes.cfg");
        Files.writeString(cfg, Files.readString(cfg).replaceFirst("(?m)^generation=.*$", "generation=2.6.13"));
        screen = waitFor("the refusal", s -> s.contains("generation=2.6.13 refused: EBUSY"));
        screen = waitFor("the prompt below it", s -> s.endsWith(PROMPT.strip()));
        assertTrue(tail(screen, 2).startsWith("kprobelab: WARNING: configuration io.kprobelab.kprobes: generation=2.6.13 refused"),
                "printed above the prompt, which is drawn again:\n" + screen);
        screen = command("kprobe:events");
        assertTrue(after(screen, PROMPT + "kprobe:events\n").startsWith("r1:kprobes/mku sys_mkdir arg1=$retval\n"), screen);
        assertEquals("2005", after(command("kprobe:generation"), PROMPT + "kprobe:generation\n").lines().findFirst().orElse(""));

        // ^D: the shell ends, and the launcher with it
        tmux("send-keys", "-t", "kl", "C-d");
        screen = waitFor("the launcher to exit", s -> s.contains("kprobelab exited with status "));
        assertTrue(screen.contains("kprobelab exited with status 0"), screen);
        assertTrue(!screen.contains("Exception") && !screen.contains("java.lang"), "Java on the screen:\n" + screen);
    }

    // ---- typing and reading

    private void keys(String literal) throws Exception {
        tmux("send-keys", "-t", "kl", "-l", literal);
    }

    private void tab() throws Exception {
        tmux("send-keys", "-t", "kl", "Tab");
    }

    private void enterKey() throws Exception {
        tmux("send-keys", "-t", "kl", "Enter");
    }

    /** Waits until the line being edited reads {@code line}, then presses Enter and waits for the next prompt. */
    private String enter(String line) throws Exception {
        waitFor("the line to read: " + line, s -> s.endsWith(PROMPT + line) || s.endsWith(PROMPT + line.stripTrailing()));
        // (the screen's lines lose their trailing blanks: an empty prompt reads "kprobelab>")
        int prompts = count(screen(), PROMPT.strip());
        enterKey();
        return waitFor("the prompt after: " + line, s -> count(s, PROMPT.strip()) > prompts && s.endsWith(PROMPT.strip()));
    }

    /** Types {@code line} and Enter; returns the screen once the next prompt is there. */
    private String command(String line) throws Exception {
        keys(line);
        return enter(line);
    }

    private String waitFor(String what, Predicate<String> seen) throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        String s;
        while (!seen.test(s = screen())) {
            if (System.nanoTime() > deadline) {
                fail("waited " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS) + " s for " + what + "; the screen:\n" + s);
            }
            Thread.sleep(50);
        }
        return s;
    }

    /** The whole history and screen, wrapped lines joined, trailing blanks dropped. */
    private String screen() throws Exception {
        String s = tmux("capture-pane", "-p", "-J", "-t", "kl", "-S", "-", "-E", "-");
        List<String> lines = new ArrayList<>(s.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return String.join("\n", lines);
    }

    private static String after(String screen, String marker) {
        int i = screen.lastIndexOf(marker);
        assertTrue(i >= 0, "no '" + marker + "' on the screen:\n" + screen);
        return screen.substring(i + marker.length());
    }

    private static String tail(String screen, int n) {
        List<String> l = screen.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - n), l.size()));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tmux " + String.join(" ", args) + " hung");
        }
        return out;
    }
}
