package io.kprobelab.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.internal.shell.SerialShell;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Floating point in Linux user programs, as issue 9 asks: busybox's {@code awk}, {@code printf},
 * {@code sleep} and {@code seq} with fractional numbers, in the guest's shell and on the host,
 * run by the same binary (the static busybox of the team's initramfs, taken out of it): output
 * and exit status must be equal. These commands died with SIGILL before the machine had SSE
 * floating point.
 */
class LinuxFloatingPointTest {

    /** Command lines for busybox's shell; every one is run natively as {@code busybox LINE}. */
    static final List<String> COMMANDS = List.of(
            "awk 'BEGIN{print 1/3}'",
            "sleep 0.1",
            "printf '%f\\n' 1.5",
            "printf '%f %e %g %.17g %.3f %10.4e %G\\n' 1.5 1.5 0.1 0.1 2.0005 -123456.789 1e-300",
            "awk 'BEGIN{print 1/3, 2/3*3, 1e308*10, -1/3, 0.1+0.2, 1e-320/3, int(-7.5), 7%2.5, -0.0}'",
            "awk 'BEGIN{s=0; for(i=1;i<=20000;i++) s+=1/i; printf \"%.15f %d %.20e\\n\", s, 2147483648.7, 1/7}'",
            "awk 'BEGIN{x=1; for(i=0;i<1100;i++) x/=2; print x; srand(1); print rand(), rand()}'",
            "awk 'BEGIN{for(i=-3;i<=3;i++) printf \"%.2f %d %s|\", i/2.0, i/2.0, i/2.0; print \"\"}'",
            "seq 0.5 0.25 1.75",
            "seq -w 1 0.5 3",
            "awk 'BEGIN{n=split(\"3.14159 2.71828 -0.5e-3 1e400 nan 0x1p3\", a, \" \"); for(i=1;i<=n;i++) printf \"%.10g \", a[i]+0; print \"\"}'",
            "awk 'BEGIN{printf \"%d %d %d %.0f %.0f\\n\", 3e9, -3e9, 2147483647.5, 0.5, 1.5}'");

    static Machine machine;
    static SerialShell shell;
    static Path busybox;

    @BeforeAll
    static void bootToShell_andTakeOutBusybox() throws Exception {
        byte[] initrd = TestKernels.teamBytes("initramfs.cpio.gz");
        busybox = Path.of("target", "busybox-from-initramfs");
        Files.createDirectories(busybox.getParent());
        Files.write(busybox, cpioFile(initrd, "bin/busybox"));
        assertTrue(busybox.toFile().setExecutable(true));
        machine = Machines.create(1, 256);
        LinuxBoot.boot(machine, LinuxKernel.open(TestKernels.team("vmlinux")), BootOptions.of(null, initrd));
        shell = new SerialShell(machine, b -> { });
        shell.awaitShell(20_000_000_000L);
    }

    @AfterAll
    static void close() {
        if (shell != null) {
            shell.close();
        }
    }

    /** A file of a gzipped newc cpio archive (as the kernel unpacks an initramfs). */
    static byte[] cpioFile(byte[] gz, String name) throws IOException {
        byte[] a;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            a = in.readAllBytes();
        }
        int at = 0;
        while (at + 110 <= a.length) {
            String header = new String(a, at, 110, StandardCharsets.US_ASCII);
            assertTrue(header.startsWith("070701"), "not a newc cpio header at " + at);
            int size = Integer.parseUnsignedInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseUnsignedInt(header.substring(94, 102), 16);
            String entry = new String(a, at + 110, nameSize - 1, StandardCharsets.US_ASCII);
            int data = (at + 110 + nameSize + 3) & ~3;
            if (entry.equals(name)) {
                return java.util.Arrays.copyOfRange(a, data, data + size);
            }
            if (entry.equals("TRAILER!!!")) {
                break;
            }
            at = (data + size + 3) & ~3;
        }
        throw new AssertionError(name + " is not in the initramfs");
    }

    @Test
    void busyboxFloatingPoint_inTheGuest_asOnTheHost() throws Exception {
        int compared = 0;
        for (String line : COMMANDS) {
            Process p = new ProcessBuilder("sh", "-c", busybox.toAbsolutePath() + " " + line).redirectErrorStream(true).start();
            String nativeOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int nativeStatus = p.waitFor();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SerialShell.Result r = shell.run(line, out::write, 10_000_000_000L, () -> false);
            String guestOut = out.toString(StandardCharsets.UTF_8);
            assertEquals(nativeOut, guestOut, line);
            assertEquals(nativeStatus, r.status(), line + " printed:\n" + guestOut);
            compared++;
        }
        assertEquals(COMMANDS.size(), compared);
        System.out.println("LinuxFloatingPointTest: " + compared + " busybox command lines compared with the host, 0 skipped");
    }

    @Test
    void theCommandsOfTheIssue_printWhatTheyShould() {
        // the three the issue names, spelled out (the comparison above could pass if both sides failed)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, shell.run("awk 'BEGIN{print 1/3}'", out::write, 10_000_000_000L, () -> false).status());
        assertEquals("0.333333\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(0, shell.run("sleep 0.1", b -> { }, 10_000_000_000L, () -> false).status());
        out.reset();
        assertEquals(0, shell.run("printf '%f' 1.5", out::write, 10_000_000_000L, () -> false).status());
        assertEquals("1.500000", out.toString(StandardCharsets.UTF_8));
    }
}
