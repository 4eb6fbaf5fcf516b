package io.kprobelab.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of DESIGN.md section 6: {@code kprobelab [--elf FILE | --linux | --kernel FILE
 * [--initrd FILE] [--append CMDLINE] [--system-map FILE]] [--generation NAME] [-q] [-c COMMAND]...
 * [--script FILE]}.
 *
 * @param elf        absolute path of the ELF to boot in bare mode, or null
 * @param linux      the Linux kernel to boot instead of the bundled guest, or null
 * @param generation the kprobes generation, or null for the default
 * @param steps      -c commands and --script files, in the order given
 * @param help       -h/--help was given
 * @param quiet      -q/--quiet: the guest's boot and init output is not printed
 */
record CommandLine(Path elf, Linux linux, String generation, List<Step> steps, boolean help, boolean quiet) {

    /**
     * A Linux guest ({@code --kernel} or {@code --linux}).
     *
     * @param kernel    vmlinux or bzImage
     * @param initrd    initramfs, or null
     * @param append    kernel command line, or null for the default
     * @param systemMap System.map, or null (looked for beside the kernel)
     */
    record Linux(Path kernel, Path initrd, String append, Path systemMap) {
    }

    /** Where scripts/linux/build.sh caches the kernel and initramfs {@code --linux} boots. */
    static Path linuxCache() {
        String cache = System.getenv("KPROBELAB_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "kprobelab");
        return base.resolve("linux-6.1");
    }

    /** {@code --help}; the generations come from the kprobes bundle ({@link Generations}). */
    static String usage() {
        return String.join("\n",
            "usage: kprobelab [--elf FILE | --linux | --kernel FILE [--initrd FILE] [--append CMDLINE]",
            "                 [--system-map FILE]] [--generation NAME] [-q] [-c COMMAND]... [--script FILE]",
            "  no -c/--script   boot, run the guest's init, then an interactive shell",
            "  -c COMMAND       run one shell command (repeatable, in order; after init), then exit",
            "  --script FILE    run the commands in FILE, one per line (# starts a comment), then exit",
            "  --elf FILE       boot FILE in bare mode instead of the bundled guest kernel",
            "  --kernel FILE    boot a Linux vmlinux or bzImage instead (64-bit boot protocol)",
            "  --initrd FILE    its initramfs",
            "  --append CMDLINE its command line (default: serial console, no KASLR, rdinit=/init, ...)",
            "  --system-map FILE  its symbols when it has no .symtab (else System.map beside it, else kallsyms)",
            "  --linux          boot the kernel and initramfs scripts/linux/build.sh cached",
            "  --generation NAME  kprobes generation: " + Generations.described(),
            "  -q, --quiet      do not print the guest's boot and init output",
            "  exit status: 0 when every command succeeded; 1 when one failed; 2 for a bad command line");
    }

    /** One thing to run, in command-line order. */
    sealed interface Step permits Command, Script {
    }

    /** {@code -c COMMAND}. */
    record Command(String text) implements Step {
    }

    /** {@code --script FILE}. */
    record Script(Path file) implements Step {
    }

    /** A bad command line: exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** True when there is nothing to run: open the interactive shell. */
    boolean interactive() {
        return steps.isEmpty();
    }

    static CommandLine parse(String... args) throws UsageException {
        Path elf = null, kernel = null, initrd = null, systemMap = null;
        String append = null;
        boolean linux = false;
        String generation = null;
        List<Step> steps = new ArrayList<>();
        boolean help = false;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) { // --elf=FILE
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> help = true;
                case "-q", "--quiet" -> quiet = true;
                case "--elf" -> {
                    if (elf != null) {
                        throw new UsageException("--elf given twice");
                    }
                    elf = readableFile("--elf", value != null ? value : next(args, ++i, a));
                }
                case "--kernel" -> {
                    if (kernel != null) {
                        throw new UsageException("--kernel given twice");
                    }
                    kernel = readableFile("--kernel", value != null ? value : next(args, ++i, a));
                }
                case "--initrd" -> initrd = readableFile("--initrd", value != null ? value : next(args, ++i, a));
                case "--system-map" -> systemMap = readableFile("--system-map", value != null ? value : next(args, ++i, a));
                case "--append" -> append = value != null ? value : next(args, ++i, a);
                case "--linux" -> linux = true;
                case "--generation" -> {
                    generation = value != null ? value : next(args, ++i, a);
                    if (!Generations.labels().contains(generation)) {
                        throw new UsageException("unknown generation: " + generation + " (known: "
                                + String.join(", ", Generations.labels()) + ")");
                    }
                }
                case "-c", "--command" -> steps.add(new Command(value != null ? value : next(args, ++i, a)));
                case "--script" -> steps.add(new Script(readableFile("--script", value != null ? value : next(args, ++i, a))));
                default -> throw new UsageException(a.startsWith("-") ? "unknown option: " + a
                        : "unexpected argument: " + a + " (commands go after -c)");
            }
        }
        if (linux) {
            if (kernel != null) {
                throw new UsageException("--linux and --kernel: give one (--linux boots the cached kernel)");
            }
            Path cache = linuxCache();
            Path vmlinux = cache.resolve("vmlinux"), initramfs = cache.resolve("initramfs.cpio.gz");
            if (!Files.isReadable(vmlinux) || !Files.isReadable(initramfs)) {
                throw new UsageException("--linux: no kernel in " + cache
                        + ": build it first with scripts/linux/build.sh (about 6 minutes on 2 cores; once)");
            }
            kernel = vmlinux;
            if (initrd == null) {
                initrd = initramfs;
            }
        }
        if (kernel == null && (initrd != null || append != null || systemMap != null)) {
            throw new UsageException("--initrd, --append and --system-map go with --kernel or --linux");
        }
        if (kernel != null && elf != null) {
            throw new UsageException("--elf and --kernel/--linux: give one");
        }
        Linux guest = kernel == null ? null : new Linux(kernel, initrd, append, systemMap);
        return new CommandLine(elf, guest, generation, List.copyOf(steps), help, quiet);
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs an argument");
        }
        return args[i];
    }

    private static Path readableFile(String option, String name) throws UsageException {
        Path p = Path.of(name).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new UsageException(option + ": " + name + ": no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw new UsageException(option + ": " + name + ": not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new UsageException(option + ": " + name + ": not readable");
        }
        return p;
    }
}
