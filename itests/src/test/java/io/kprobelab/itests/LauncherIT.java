package io.kprobelab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line of DESIGN.md section 6, run against the built launcher jar: exit status 0
 * when every command succeeded, 1 when one failed (its error on stderr, nothing after it runs),
 * 2 for a bad command line.
 */
class LauncherIT {

    private static Path jar;
    private static Path elf;

    @TempDir
    Path home;

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void build() throws Exception {
        jar = Path.of(System.getProperty("kprobelab.launcher.jar", "../launcher/target/kprobelab.jar"));
        assertTrue(Files.isRegularFile(jar), "no launcher jar at " + jar);
        elf = GuestElf.build();
    }

    private Run kprobelab(String... args) throws IOException, InterruptedException {
        return kprobelabWithInput("", args);
    }

    private Run kprobelabWithInput(String input, String... args) throws IOException, InterruptedException {
        return kprobelab(input, java.util.Map.of(), 60, args);
    }

    private Run kprobelab(String input, java.util.Map<String, String> env, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kprobelab " + String.join(" ", args) + " did not exit in " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The cache folder build.sh filled: --linux boots from it (KPROBELAB_CACHE names its parent). */
    private static Path linuxCache() {
        return LinuxKernels.team().get(0).getParent();
    }

    @Test
    void linux_bootsTheCachedKernel_andGuestRunStopsAtAFailure() throws Exception {
        Run r = kprobelab("", java.util.Map.of("KPROBELAB_CACHE", linuxCache().getParent().toString()), 600,
                "--linux", "-c", "guest:run mkdir /tmp/a", "-c", "guest:run ls -d /tmp/a", "-c", "guest:run mkdir /tmp/a",
                "-c", "guest:run echo never");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("] Run /init as init process\n"), r.toString());
        assertTrue(r.out().contains("/tmp/a\nmkdir: can't create directory '/tmp/a': File exists\n"), r.toString());
        assertTrue(r.err().contains("mkdir exited with status 1"), r.toString());
        assertTrue(!r.out().contains("never"), r.toString());
    }

    @Test
    void kernel_takesABzImageWithItsInitrdAndCommandLine() throws Exception {
        Path cache = linuxCache();
        Run r = kprobelab("", java.util.Map.of(), 600, "--kernel", cache.resolve("bzImage").toString(),
                "--initrd", cache.resolve("initramfs.cpio.gz").toString(),
                "--append", "console=ttyS0 nokaslr tsc=reliable rdinit=/init kprobelab_itest=1",
                "-c", "guest:run cat /proc/cmdline");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("console=ttyS0 nokaslr tsc=reliable rdinit=/init kprobelab_itest=1\n"), r.toString());
    }

    @Test
    void linux_withoutACachedKernel_saysHowToBuildIt() throws Exception {
        Run r = kprobelab("", java.util.Map.of("KPROBELAB_CACHE", home.resolve("empty-cache").toString()), 60,
                "--linux", "-c", "guest:ps");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("scripts/linux/build.sh"), r.toString());
    }

    @Test
    void commands_runInOrder_exitZero() throws Exception {
        Run r = kprobelab("--elf", elf.toString(), "-c", "machine:syms add3", "-c", "machine:call add3 1 2 3");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.toString());
        assertEquals(GuestElf.nm(elf, "add3"), lines[0]);
        assertTrue(lines[1].matches("rax=0x6 insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"), r.toString());
    }

    @Test
    void failingCommand_exitOne_errorOnStderr_nothingAfterItRuns() throws Exception {
        Run r = kprobelab("--elf", elf.toString(), "-c", "machine:syms add3", "-c", "nosuch:cmd",
                "-c", "machine:syms bp_add1");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(GuestElf.nm(elf, "add3") + "\n", r.out());
        assertTrue(r.err().contains("Command not found: nosuch:cmd"), r.toString());
    }

    @Test
    void unknownSymbol_exitOne_withTheCommandsMessage() throws Exception {
        Run r = kprobelab("--elf", elf.toString(), "-c", "machine:call no_such_function");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("kprobelab: unknown symbol: no_such_function"), r.toString());
    }

    @Test
    void badCommandLines_exitTwo_withUsage() throws Exception {
        Run unknown = kprobelab("--bogus");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("unknown option: --bogus"), unknown.toString());
        assertTrue(unknown.err().contains("usage: kprobelab"), unknown.toString());

        Run missingElf = kprobelab("--elf", "/nonexistent/kernel.elf", "-c", "machine:syms");
        assertEquals(2, missingElf.exit(), missingElf.toString());
        assertTrue(missingElf.err().contains("/nonexistent/kernel.elf: no such file"), missingElf.toString());

        Run missingArg = kprobelab("-c");
        assertEquals(2, missingArg.exit(), missingArg.toString());
        assertTrue(missingArg.err().contains("-c needs an argument"), missingArg.toString());

        Run generation = kprobelab("--generation", "1999", "-c", "lb");
        assertEquals(2, generation.exit(), generation.toString());
        assertTrue(generation.err().contains("unknown generation: 1999"), generation.toString());
    }

    @Test
    void malformedElf_isNamedWithItsProblem_nonZeroExit() throws Exception {
        Path text = Files.writeString(home.resolve("notes.txt"), "this is not an ELF file\n");
        Run r = kprobelab("--elf", text.toString(), "-c", "machine:syms");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("kprobelab: cannot boot: " + text + ": not an ELF file"), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void script_runsEveryCommandLine_skipsCommentsAndBlanks() throws Exception {
        Path script = Files.writeString(home.resolve("calls.gosh"), String.join("\n",
                "# two calls", "machine:call add3 1 2 3", "", "   machine:call sum_squares 10", ""));
        Run r = kprobelab("--elf", elf.toString(), "--generation", "2.6.13", "--script", script.toString());
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.toString());
        assertTrue(lines[0].matches("rax=0x6 insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"), r.toString());
        // 1+4+...+100 = 385 = 0x181
        assertTrue(lines[1].matches("rax=0x181 insns=\\d+ ns=\\d+"), r.toString());
    }

    @Test
    void configFolder_reachesTheMachineBeforeTheFirstCommand() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/io.kprobelab.machine.cfg"), "cpus=2\nmemory.mib=64\n");
        Run two = kprobelab("--elf", elf.toString(), "-c", "machine:regs 1");
        assertEquals(0, two.exit(), two.toString());
        assertTrue(two.out().startsWith("CPU: 1 "), two.toString());

        Files.delete(home.resolve("config/io.kprobelab.machine.cfg"));
        Run one = kprobelab("--elf", elf.toString(), "-c", "machine:regs 1");
        assertEquals(1, one.exit(), one.toString());
        assertTrue(one.err().contains("no vCPU 1 (the machine has 1)"), one.toString());
    }

    /** FileInstall's factory naming ({@code -}) and the OSGi R7 one ({@code ~}) both work. */
    @ParameterizedTest
    @ValueSource(strings = {"io.kprobelab.event-", "io.kprobelab.event~"})
    void eventFromConfigFile_isDefinedAndEnabledAtStart_andRemovedWithItsFile(String prefix) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Path cfg = home.resolve("config/" + prefix + "mkdir.cfg");
        Files.writeString(cfg, "definition=r:mkdir_ret sys_mkdir $retval\nenabled=true\n");
        Run r = kprobelab("--elf", elf.toString(), "-c", "kprobe:events", "-c", "machine:call mkdir_caller -1",
                "-c", "kprobe:profile");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals("r1:kprobes/mkdir_ret sys_mkdir arg1=$retval", lines[0], r.toString());
        assertEquals("  mkdir_ret                                                  1               0", lines[2]);
        assertEquals("definition=r:mkdir_ret sys_mkdir $retval\nenabled=true\n", Files.readString(cfg),
                "the launcher must never write configuration back into config/");

        // While it runs: the file goes, and so does the event.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--elf", elf.toString());
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             var out = new java.io.PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
            out.println("kprobe:events");
            StringBuilder seen = new StringBuilder();
            // Wait (bounded) until the event is there before deleting its file.
            CompletableFuture.runAsync(() -> {
                try {
                    for (String line; (line = in.readLine()) != null && !line.contains("kprobes/mkdir_ret"); ) {
                        seen.append(line).append('\n');
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            Files.delete(cfg);
            // ... and a new file brings its event, defined but (without enabled=true) disabled.
            Files.writeString(home.resolve("config/" + prefix + "late.cfg"), "definition=p:late add3 %di\n");
            out.println("sleep 3");
            out.println("kprobe:events");
            out.println("kprobe:list");
            out.println("machine:syms sys_mkdir");
            out.close();
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(rest.contains(" T sys_mkdir"), seen + rest);
            assertTrue(!rest.contains("mkdir_ret"), "the event outlived its file:\n" + rest);
            assertTrue(rest.contains("p:kprobes/late add3 arg1=%di"), "the new file's event is missing:\n" + rest);
            assertTrue(rest.matches("(?s).* k +add3\\+0x0 +\\[DISABLED\\].*"), "late is not registered disabled:\n" + rest);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void noCommands_isTheInteractiveShell_readingStdinUntilEof() throws Exception {
        Run r = kprobelabWithInput("machine:syms add3\nmachine:call add3 1 2 3\n", "--elf", elf.toString());
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        // our gosh_profile ran (its banner and prompt), then each command's result after a prompt
        assertTrue(lines[0].startsWith("KprobeLab: "), r.toString());
        assertEquals("kprobelab> " + GuestElf.nm(elf, "add3"), lines[1]);
        assertTrue(lines[2].matches("kprobelab> rax=0x6 insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"), r.toString());
        assertTrue(!r.err().contains("ERROR") && !r.err().contains("Exception"), r.toString());
    }

    @Test
    void deployFolder_bundlesAreActiveBeforeTheFirstCommand() throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "itest.dropped");
        mf.getMainAttributes().putValue("Bundle-Version", "1.2.3");
        try (var jarOut = new java.util.jar.JarOutputStream(Files.newOutputStream(home.resolve("deploy/dropped.jar")), mf)) {
            jarOut.flush();
        }
        Run r = kprobelab("-c", "lb -s itest");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\\|Active +\\| +1\\|itest\\.dropped \\(1\\.2\\.3\\).*"), r.toString());
    }

    @Test
    void probeBundleInDeploy_isOnTheDieChain_beforeTheFirstCommand() throws Exception {
        Run oops = kprobelab("--elf", elf.toString(), "-c", "machine:call bp_add1 41");
        assertEquals(1, oops.exit(), oops.toString());
        assertTrue(oops.err().contains("bp_add1+0x1"), oops.toString()); // bare mode: nobody claims the int3

        Files.createDirectories(home.resolve("deploy"));
        ProbeBundle.build(home.resolve("deploy/itest.bp.jar"), home.resolve("probe-build"));
        Run r = kprobelab("--elf", elf.toString(), "-c", "machine:call bp_add1 41", "-c", "machine:traps");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("rax=0x2a insns=\\d+ ns=\\d+"), r.toString());
        assertEquals(KprobeShellIT.TRAPS.strip(), lines[1], r.toString());
        assertEquals("3 #BP 1", lines[2], r.toString());
    }

    @Test
    void kprobeSession_generation2613_threeTrapsPerCall_badDefinitionFailsWithTheCaret() throws Exception {
        Run r = kprobelab("--elf", elf.toString(), "--generation", "2.6.13",
                "-c", "kprobe:add 'p:myprobe kprobe_target %di'",
                "-c", "kprobe:add 'r:myretprobe kprobe_target $retval'",
                "-c", "kprobe:enable myprobe", "-c", "kprobe:enable myretprobe",
                "-c", "machine:call kprobe_caller 30", "-c", "kprobe:profile", "-c", "machine:traps",
                "-c", "kprobe:add 'p:bad kprobe_target+1'", "-c", "kprobe:events");
        assertEquals(1, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r.toString()); // nothing after the failed kprobe:add
        assertTrue(lines[0].matches("rax=0xa insns=\\d+ ns=\\d+"), r.toString());
        assertEquals("  myprobe                                                    1               0", lines[1]);
        assertEquals("  myretprobe                                                 1               0", lines[2]);
        // 2.6.13: the trampoline's #BP is not followed by a single-step
        assertEquals(KprobeShellIT.TRAPS.strip(), lines[3], r.toString());
        assertEquals("1 #DB 1", lines[4], r.toString());
        assertEquals("3 #BP 2", lines[5], r.toString());
        assertTrue(r.err().contains("kprobelab: error: Probe point is not an instruction boundary\n"
                + "  Command: p:bad kprobe_target+1\n"
                + "                 ^\n"), r.toString());
    }

    @Test
    void exampleProbeBundlesInDeploy_printAsTheKernelSamplesDo_andLogMissesAtExit() throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        for (String probe : List.of("probe-mkdir-exit", "probe-kprobe-example", "probe-kretprobe-example")) {
            Path bundle = Path.of(System.getProperty("kprobelab." + probe + ".jar"));
            Files.copy(bundle, home.resolve("deploy").resolve(probe + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        Run r = kprobelab("--elf", elf.toString(), "-c", "machine:call mkdir_caller 1",
                "-c", "machine:call mkdir_caller -1", "-c", "kprobe:list");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        long doMkdirat = Long.parseUnsignedLong(GuestElf.nm(elf, "do_mkdirat").split(" ")[0], 16);
        // the seed's module, with the real return values
        assertTrue(out.contains("sys_mkdir exited, returned 0\n"), out);
        assertTrue(out.contains("sys_mkdir exited, returned -17\n"), out);
        // samples/kprobes/kprobe_example.c's lines: the probe address, RIP after the int3
        assertTrue(out.contains(String.format("<do_mkdirat> p->addr = 0x%016x, ip = %x, flags = 0x", doMkdirat,
                doMkdirat + 1)), out);
        assertTrue(out.contains(String.format("<do_mkdirat> p->addr = 0x%016x, flags = 0x", doMkdirat)), out);
        // samples/kprobes/kretprobe_example.c's: planted at init, a timed return, misses at exit
        assertTrue(out.contains(String.format("Planted return probe at do_mkdirat: 0x%016x%n", doMkdirat)), out);
        assertTrue(out.matches("(?s).*do_mkdirat returned -17 and took \\d+ ns to execute\n.*"), out);
        assertTrue(out.contains("Missed probing 0 instances of do_mkdirat\n"), out);
        // and the kernel's view of who is probing what
        assertTrue(out.contains(String.format("%016x  r  sys_mkdir+0x0    %n", Long.parseUnsignedLong(
                GuestElf.nm(elf, "sys_mkdir").split(" ")[0], 16))), out);
    }

    /** What the guest prints while it boots (pid 1 is sh with nothing to run), 256 MiB by default. */
    static final String GUEST_BOOT = String.join("\n",
            "[    0.000000] KprobeLab guest kernel, 256 MiB RAM, 1 CPU(s), tick 1000000 instructions",
            "[    0.000000] Command line: sh",
            "[    0.000000] text ffffffff81000000-ffffffff81005036, image end ffffffff81044000",
            "[    0.000000] Memory: 244952 KiB free",
            "[    0.000000] sh[1] exited with status 0", "");

    /** init's output with mkdir-exit deployed: each return line comes before what init prints of that call. */
    static final String INIT_WITH_MKDIR_EXIT = String.join("\n",
            "",
            "Welcome to KprobeLab (init pid 2)",
            "",
            "sys_mkdir exited, returned 0",
            "init: mkdir(\"/tmp\") = 0",
            "sys_mkdir exited, returned 0",
            "init: mkdir(\"/home\") = 0",
            "sys_mkdir exited, returned -17",
            "init: mkdir(\"/tmp\") = -17 File exists",
            "sys_mkdir exited, returned 0",
            "sys_mkdir exited, returned 0",
            "init: mkdir exited with status 0",
            "init: done", "");

    /** The repository's own config/ (every shipped .cfg) with mkdir-exit in deploy/: the main job. */
    @Test
    void mainJob_withTheShippedConfigFolder() throws Exception {
        Path shipped = Path.of(System.getProperty("kprobelab.config.dir", "../config"));
        Files.createDirectories(home.resolve("config"));
        try (var cfgs = Files.list(shipped)) {
            for (Path cfg : cfgs.toList()) {
                Files.copy(cfg, home.resolve("config").resolve(cfg.getFileName()));
            }
        }
        assertTrue(Files.exists(home.resolve("config/org.apache.felix.fileinstall-deploy.cfg")), "not shipped any more?");
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")),
                home.resolve("deploy/probe-mkdir-exit.jar"));
        Run r = kprobelab("-c", "guest:run mkdir /a");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(GUEST_BOOT + INIT_WITH_MKDIR_EXIT + "sys_mkdir exited, returned 0\n", r.out());
        // (the JVM's own warnings, such as JDK 24+'s about sun.misc.Unsafe in Felix, are not ours)
        assertTrue(!r.err().contains("kprobelab: WARNING") && !r.err().contains("ERROR"), r.toString());
    }

    /** config/io.kprobelab.guest.cfg reaches the guest kernel's boot parameters. */
    @Test
    void guestConfiguration_setsTheTimerPeriod() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/io.kprobelab.guest.cfg"), "tick.instructions=1234567\n");
        Run r = kprobelab("-c", "guest:dmesg");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("[    0.000000] KprobeLab guest kernel, 256 MiB RAM, 1 CPU(s), tick 1234567 instructions\n"),
                r.toString());
    }

    /**
     * A FileInstall watcher configuration in config/ decides which folders hold probe bundles
     * (here drop/, not deploy/) and how often they are polled.
     */
    @Test
    void fileInstallWatcherConfiguration_replacesTheDefaultDeployFolder() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/org.apache.felix.fileinstall-drop.cfg"),
                "felix.fileinstall.dir=${kprobelab.home}/drop\nfelix.fileinstall.poll=200\nfelix.fileinstall.noInitialDelay=true\n");
        Files.createDirectories(home.resolve("drop"));
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")), home.resolve("drop/probe-mkdir-exit.jar"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-kprobe-example.jar")), home.resolve("deploy/probe-kprobe-example.jar"));
        Run r = kprobelab("-c", "kprobe:list");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith(GUEST_BOOT + INIT_WITH_MKDIR_EXIT), "drop/'s probe was not in place for init:\n" + r);
        assertTrue(r.out().endsWith("  r  sys_mkdir+0x0    \n"), "deploy/ is not watched then:\n" + r);
        assertTrue(!r.out().contains("  k  "), r.toString());
    }

    @Test
    void guestRun_mkdirTwice_printsEexist_failsWithItsStatus_afterInit() throws Exception {
        Run r = kprobelab("-c", "guest:run mkdir /a /a", "-c", "guest:ps");
        assertEquals(1, r.exit(), r.toString()); // status 1 fails the command: nothing after it runs
        assertTrue(r.out().startsWith(GUEST_BOOT + "\nWelcome to KprobeLab (init pid 2)\n"), r.toString());
        assertTrue(r.out().endsWith("init: done\nmkdir: cannot create directory '/a': File exists\n"), r.toString());
        assertTrue(!r.out().contains("sys_mkdir exited"), "no probe is deployed here:\n" + r);
        assertTrue(r.err().contains("kprobelab: mkdir exited with status 1\n"), r.toString());
        assertTrue(!r.out().contains(" PID "), r.toString());

        Run ok = kprobelab("-c", "guest:run mkdir /a");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().endsWith("init: done\n"), ok.toString());

        Run nosuch = kprobelab("-c", "guest:run nosuch");
        assertEquals(1, nosuch.exit(), nosuch.toString());
        assertTrue(nosuch.out().endsWith("init: done\n[    0.002000] umh: cannot run nosuch: error -2\n"), nosuch.toString());
        assertTrue(nosuch.err().contains("kprobelab: nosuch: cannot run: error -2 (no such program)"), nosuch.toString());
    }

    @Test
    void mainJob_mkdirExitDeployed_initInterleavesWithItsReturns_thenThePrompt() throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")),
                home.resolve("deploy/probe-mkdir-exit.jar"));
        Run r = kprobelabWithInput("guest:ps\n");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(GUEST_BOOT + INIT_WITH_MKDIR_EXIT
                + "KprobeLab: kprobes on an emulated x86-64 machine. 'help' lists the commands, "
                + "'help machine:call' describes one; ^D quits.\n"
                + "kprobelab>   PID  PPID S    TICKS COMMAND\n"
                + "    0     0 R        1 swapper\n"
                + "kprobelab> \n", r.out());
        assertTrue(!r.err().contains("ERROR") && !r.err().contains("SEVERE"), r.toString());

        // -c: the same, then the commands
        Run c = kprobelab("-c", "guest:run mkdir /a /a");
        assertEquals(1, c.exit(), c.toString());
        assertEquals(GUEST_BOOT + INIT_WITH_MKDIR_EXIT + "sys_mkdir exited, returned 0\n"
                + "sys_mkdir exited, returned -17\nmkdir: cannot create directory '/a': File exists\n", c.out());
    }

    @Test
    void returnProbeOnSysMkdir_tracesTheGuestTask_withVirtualTime() throws Exception {
        Run r = kprobelab("-c", "kprobe:add 'r:mkret sys_mkdir $retval'", "-c", "kprobe:enable mkret",
                "-c", "guest:run mkdir /b", "-c", "kprobe:trace", "-c", "guest:ps", "-c", "guest:dmesg");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        // pid 1 sh, 2 init, 3 init's mkdir, 4 this one; one instruction is one virtual nanosecond
        assertTrue(out.contains("\n           mkdir-4       [000] d....     0.007699: mkret: "
                + "(do_syscall_64+0x3f/0x7b <- sys_mkdir) arg1=0x0\n"), out);
        assertTrue(out.contains("# entries-in-buffer/entries-written: 1/1   #P:1\n"), out);
        assertTrue(out.endsWith("  PID  PPID S    TICKS COMMAND\n    0     0 R        2 swapper\n" + GUEST_BOOT), out);
    }

    @Test
    void bareMode_hasNoGuest() throws Exception {
        Run r = kprobelab("--elf", elf.toString(), "-c", "guest:ps");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("kprobelab: no guest: the guest kernel is not running (bare mode with --elf"),
                r.toString());
    }

    /** mkdirbench pairs: long enough (a few seconds) that FileInstall's deploy and removal land mid-run. */
    private static final int PAIRS = 300_000;

    @Test
    void probeBundle_deployedAndRemovedWhileTheGuestRuns_noLostOrWrongReturns() throws Exception {
        String run = "guest:run sh sleep 300 '&' mkdirbench " + PAIRS;
        Run plain = kprobelab("-c", run);
        assertEquals(0, plain.exit(), plain.toString());
        String plainProgram = plain.out().substring(plain.out().indexOf("init: done\n") + "init: done\n".length());
        assertTrue(plainProgram.contains("sleep[5]: slept 300 ms (300 ms of virtual time)\n"), plain.toString());
        assertTrue(plainProgram.contains("mkdirbench: " + PAIRS + " mkdir/rmdir pairs\n"), plain.toString());

        Path deploy = Files.createDirectories(home.resolve("deploy"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch banner = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch probed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("KprobeLab: ")) {
                        banner.countDown();
                    } else if (line.contains("sys_mkdir exited, returned ")) {
                        probed.countDown();
                    } else if (line.contains("mkdirbench: ")) {
                        done.countDown();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (var out = new java.io.PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
            assertTrue(banner.await(60, TimeUnit.SECONDS), "no banner: " + lines);
            out.println(run);
            // Dropped in whole while the guest runs: a temporary name, then an atomic rename.
            Path tmp = home.resolve("probe-mkdir-exit.jar.tmp");
            Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")), tmp);
            Files.move(tmp, deploy.resolve("probe-mkdir-exit.jar"), StandardCopyOption.ATOMIC_MOVE);
            assertTrue(probed.await(30, TimeUnit.SECONDS), "the probe never fired: " + tail(lines));
            assertEquals(1, done.getCount(), "the deploy did not land mid-run; make mkdirbench longer");
            Files.delete(deploy.resolve("probe-mkdir-exit.jar"));
            assertTrue(done.await(60, TimeUnit.SECONDS), "mkdirbench never finished: " + tail(lines));
            out.println("sleep 2"); // FileInstall's next poll sees the jar gone: the bundle is uninstalled
            out.println("kprobe:list");
            out.println("guest:ps");
        }
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
            reader.get(10, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), err.join());
        String stderr = err.join();
        assertTrue(!stderr.contains("ERROR") && !stderr.contains("Exception"), stderr);

        // After the banner: the program's lines, the probe's lines among them, then the commands'.
        List<String> after = new ArrayList<>();
        long returns = 0;
        boolean seenBanner = false;
        for (String line : lines) {
            if (!seenBanner) {
                seenBanner = line.startsWith("KprobeLab: ");
                continue;
            }
            while (line.startsWith("kprobelab> ")) {
                line = line.substring("kprobelab> ".length());
            }
            if (line.startsWith("sys_mkdir exited, returned ")) {
                assertEquals("sys_mkdir exited, returned 0", line, "a wrong return value");
                returns++;
            } else if (!line.isEmpty()) {
                after.add(line);
            }
        }
        // live for part of the run only: deployed after it started, removed before it ended
        assertTrue(returns > 0 && returns < PAIRS, returns + " returns seen");
        List<String> expected = new ArrayList<>(List.of(plainProgram.split("\n")));
        expected.add("  PID  PPID S    TICKS COMMAND"); // kprobe:list printed nothing: no probe left behind
        assertEquals(expected, after.subList(0, Math.min(after.size(), expected.size())), String.join("\n", after));
        assertTrue(after.size() > expected.size() && after.get(expected.size()).matches(" +0 +0 R +\\d+ swapper"),
                String.join("\n", after));
    }

    private static String tail(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
    }

    static final String THROWING_HANDLER = String.join("\n",
            "package itest.thrower;",
            "import io.kprobelab.kprobes.KretprobeHandler;",
            "import java.util.Hashtable;",
            "import org.osgi.framework.BundleActivator;",
            "import org.osgi.framework.BundleContext;",
            "public class Activator implements BundleActivator {",
            "  public void start(BundleContext ctx) {",
            "    Hashtable<String, Object> props = new Hashtable<>();",
            "    props.put(\"kprobe.symbol\", \"sys_mkdir\");",
            "    KretprobeHandler h = (ri, regs) -> { throw new RuntimeException(\"itest: handler throws\"); };",
            "    ctx.registerService(KretprobeHandler.class, h, props);",
            "  }",
            "  public void stop(BundleContext ctx) { }",
            "}",
            "");

    @Test
    void throwingHandlerBundle_disablesItsProbe_guestCompletes() throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        ProbeBundle.build(home.resolve("deploy/itest.thrower.jar"), home.resolve("thrower-build"), "itest.thrower",
                THROWING_HANDLER, "io.kprobelab.kprobes;version=\"[1.0,2)\",io.kprobelab.machine;version=\"[1.0,2)\","
                        + "org.osgi.framework;version=\"[1.8,2)\"");
        Run r = kprobelab("-c", "guest:run mkdirbench 50", "-c", "kprobe:list");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("init: done\nmkdirbench: 50 mkdir/rmdir pairs\n"), r.toString());
        assertTrue(r.out().matches("(?s).*\n[0-9a-f]{16}  r  sys_mkdir\\+0x0 +\\[DISABLED\\]\n.*"), r.toString());
    }

    /** A failing --script line is named: file, line number and the command, before its error. */
    @Test
    void script_failingLine_isNamedWithFileAndLineNumber() throws Exception {
        Path script = Files.writeString(home.resolve("calls.gosh"), String.join("\n",
                "# one good call, then a bad one", "machine:call add3 1 2 3", "", "machine:call no_such_function",
                "machine:call add3 1 1 1", ""));
        Run r = kprobelab("--elf", elf.toString(), "--script", script.toString());
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.out().split("\n").length, r.toString());
        assertTrue(r.err().contains("kprobelab: " + script + ":4: machine:call no_such_function\n"
                + "kprobelab: unknown symbol: no_such_function\n"), r.toString());
    }

    /** -q: no boot or init output before the commands' own; errors still show. */
    @Test
    void quiet_printsOnlyTheCommandsOutput() throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")), home.resolve("deploy/probe-mkdir-exit.jar"));
        Run r = kprobelab("-q", "-c", "guest:run mkdir /a", "-c", "guest:run mkdir /a");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("sys_mkdir exited, returned 0\nsys_mkdir exited, returned -17\n"
                + "mkdir: cannot create directory '/a': File exists\n", r.out());
        assertTrue(r.err().contains("kprobelab: mkdir exited with status 1\n"), r.toString());
    }

    /** Calls that fit no overload, and refusals, are one plain line (and the usage), no Java names. */
    @Test
    void commandErrors_areOnePlainLine_withTheUsageForAWrongCall() throws Exception {
        Run run = kprobelab("--elf", elf.toString(), "-c", "guest:run");
        assertTrue(run.err().contains("kprobelab: guest:run: missing arguments\nusage: guest:run PROGRAM [ARG]...\n"),
                run.toString());
        Run mem = kprobelab("--elf", elf.toString(), "-c", "machine:mem add3");
        assertTrue(mem.err().contains("kprobelab: machine:mem: missing arguments\nusage: machine:mem ADDRESS LENGTH\n"),
                mem.toString());
        Run gen = kprobelab("--elf", elf.toString(), "-c", "kprobe:generation 2.6.99");
        assertTrue(gen.err().contains("kprobelab: unknown generation '2.6.99' (known: "), gen.toString());
        for (Run r : List.of(run, mem, gen)) {
            assertEquals(1, r.exit(), r.toString());
            assertTrue(!r.err().matches("(?s).*(java\\.|io\\.kprobelab\\.|Exception|Cannot coerce).*"), r.toString());
        }
    }

    /**
     * The README's "cp bundles/probes/*\/target/probe-*.jar deploy/", after the build put
     * deploy/probe-mkdir-exit.jar there: each probe bundle is in deploy/ once, and each probe once
     * on the list.
     */
    @Test
    void readmeCopyOfTheExampleProbes_deploysEachBundleOnce() throws Exception {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar")), deploy.resolve("probe-mkdir-exit.jar"));
        try (var modules = Files.list(Path.of("../bundles/probes"))) {
            for (Path module : modules.toList()) {
                try (var jars = Files.newDirectoryStream(module.resolve("target"), "probe-*.jar")) {
                    for (Path jar : jars) {
                        Files.copy(jar, deploy.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        List<String> names = new ArrayList<>();
        try (var jars = Files.newDirectoryStream(deploy, "*.jar")) {
            for (Path jar : jars) {
                try (var f = new java.util.jar.JarFile(jar.toFile())) {
                    names.add(f.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
                }
            }
        }
        assertEquals(3, names.size(), "three example probes: " + names);
        assertEquals(3, names.stream().distinct().count(), "one file per bundle: " + names);
        Run r = kprobelab("-q", "-c", "kprobe:list");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.out().split(" r  sys_mkdir\\+0x0", -1).length - 1, r.toString());
        assertTrue(!r.err().contains("WARNING"), r.toString());
    }

    /** A bundle in deploy/ twice (an older copy beside the build's) is named at start. */
    @Test
    void oneBundleInTwoFiles_isReportedAtStart() throws Exception {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Path jar = Path.of(System.getProperty("kprobelab.probe-mkdir-exit.jar"));
        Files.copy(jar, deploy.resolve("probe-mkdir-exit.jar"));
        Files.copy(jar, deploy.resolve("probe-mkdir-exit-0.1.0-SNAPSHOT.jar"));
        Run r = kprobelab("-q", "-c", "kprobe:list");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("kprobelab: WARNING: deploy/ holds one bundle in 2 files, "
                + "probe-mkdir-exit-0.1.0-SNAPSHOT.jar, probe-mkdir-exit.jar"), r.toString());
        assertTrue(!r.err().contains("has not applied"), "no 5 s wait for the second file: " + r);
    }

    /** README's command-line block is what --help prints, line for line. */
    @Test
    void readmeCommandLineBlock_isTheHelpOutput() throws Exception {
        Run r = kprobelab("--help");
        String readme = Files.readString(Path.of("../README.md"));
        String usage = r.out().strip();
        assertTrue(readme.contains("```\n" + usage + "\n```"), "README.md's command-line block is not:\n" + usage);
    }

    /** One list of generations: --help, the README's table and the shipped configuration name each. */
    @Test
    void everyGeneration_isNamedByHelpReadmeAndTheShippedConfiguration() throws Exception {
        String help = kprobelab("--help").out();
        String readme = Files.readString(Path.of("../README.md"));
        String cfg = Files.readString(Path.of("../config/io.kprobelab.kprobes.cfg"));
        String row = readme.lines().filter(l -> l.startsWith("| `io.kprobelab.kprobes.cfg`")).findFirst().orElse("");
        for (String g : io.kprobelab.kprobes.Generation.labels()) {
            assertTrue(help.contains(g), "--help lacks " + g + ":\n" + help);
            assertTrue(row.contains("`" + g + "`"), "README's configuration table lacks " + g + ": " + row);
            assertTrue(cfg.lines().filter(l -> l.startsWith("#")).anyMatch(l -> l.contains(g)),
                    "config/io.kprobelab.kprobes.cfg's comment lacks " + g);
        }
        Run bad = kprobelab("--generation", "1999");
        assertTrue(bad.err().contains("(known: " + String.join(", ", io.kprobelab.kprobes.Generation.labels()) + ")"),
                bad.toString());
    }

    @Test
    void help_printsUsage_exitZero() throws Exception {
        Run r = kprobelab("--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("usage: kprobelab [--elf FILE | --linux | --kernel FILE [--initrd FILE] [--append CMDLINE]\n"
                + "                 [--system-map FILE]] [--generation NAME] [-q] [-c COMMAND]... [--script FILE]\n"),
                r.toString());
    }
}
