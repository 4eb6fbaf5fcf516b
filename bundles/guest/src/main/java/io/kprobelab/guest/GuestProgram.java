package io.kprobelab.guest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The programs built into the guest image ({@code arch/programs.S}, BOOT.md section 6), with the
 * arguments each takes: what {@code help guest:run} lists and what the console completes.
 * {@code GuestProgramTest} checks this table against the image's own.
 */
public enum GuestProgram {
    INIT("init", "", "the first program: banner, mkdir on new and existing paths"),
    MKDIR("mkdir", "PATH...", "make directories"),
    MKDIRBENCH("mkdirbench", "N", "N mkdir/rmdir pairs on one path"),
    SPIN("spin", "N", "CPU-bound: N loop iterations, reporting each quarter"),
    SLEEP("sleep", "MS", "sleep MS milliseconds of virtual time"),
    DEEPREC("deeprec", "N", "N nested directories (N <= 120): deep recursion in the path walk"),
    FAULT("fault", "KIND", "do what ring 3 may not; the kernel kills it", "hlt", "kread", "kwrite", "null", "text", "ud"),
    SYSCALLTEST("syscalltest", "", "every system call and its errors: PASS/FAIL lines"),
    KILL("kill", "[-SIGNAL] PID...", "send a signal (default TERM) to tasks",
            "-INT", "-KILL", "-TERM", "-HUP", "-QUIT"),
    SH("sh", "WORD...", "run commands separated by ; (in turn) or & (in the background)");

    private final String command;
    private final String synopsis;
    private final String description;
    private final List<String> choices;

    GuestProgram(String command, String synopsis, String description, String... choices) {
        this.command = command;
        this.synopsis = synopsis;
        this.description = description;
        this.choices = List.of(choices);
    }

    /** The name {@code guest:run} takes ({@code /bin/NAME} works too). */
    public String command() {
        return command;
    }

    /** Its arguments, as usage lines write them: {@code KIND}, {@code PATH...}; empty for none. */
    public String synopsis() {
        return synopsis;
    }

    /** What it does, in a few words. */
    public String description() {
        return description;
    }

    /**
     * The words its first argument may be, when it is one of a fixed set ({@code fault}'s kinds,
     * {@code kill}'s signals); empty otherwise.
     */
    public List<String> choices() {
        return choices;
    }

    /** {@code fault KIND (hlt|kread|kwrite|null|text|ud)}. */
    public String usage() {
        String u = synopsis.isEmpty() ? command : command + " " + synopsis;
        return choices.isEmpty() || !synopsis.equals("KIND") ? u : u + " (" + String.join("|", choices) + ")";
    }

    /** The program {@code name} ({@code /bin/NAME} too). */
    public static Optional<GuestProgram> named(String name) {
        String n = name.startsWith("/bin/") ? name.substring(5) : name;
        return Arrays.stream(values()).filter(p -> p.command.equals(n)).findFirst();
    }
}
