package io.kprobelab.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.guest.GuestTask;
import io.kprobelab.linux.internal.shell.SerialShell;
import io.kprobelab.linux.internal.view.LinuxKernelView;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The team's Linux 6.1 on the machine: it boots to busybox's shell on the serial console, and
 * commands typed there run with their output and exit status, as issue 9 lists them; the task list
 * and the printk ring read from outside through BTF.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxGuestTest {

    static Machine machine;
    static LinuxKernel kernel;
    static SerialShell shell;
    static final ByteArrayOutputStream boot = new ByteArrayOutputStream();

    @BeforeAll
    static void bootToShell() throws Exception {
        kernel = LinuxKernel.open(TestKernels.team("vmlinux"));
        machine = Machines.create(1, 256);
        LinuxBoot.boot(machine, kernel, BootOptions.of(null, TestKernels.teamBytes("initramfs.cpio.gz")));
        shell = new SerialShell(machine, boot::write);
        shell.awaitShell(20_000_000_000L);
    }

    @AfterAll
    static void close() {
        shell.close();
    }

    static String run(String line, int expectStatus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SerialShell.Result r = shell.run(line, out::write, 10_000_000_000L, () -> false);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectStatus, r.status(), line + " printed:\n" + text);
        return text;
    }

    @Test
    @Order(1)
    void bootsToTheShell_throughTheKernelsOwnInit() {
        String console = boot.toString(StandardCharsets.UTF_8);
        assertTrue(console.contains("Linux version 6.1."), console);
        assertTrue(console.contains("serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A"), console);
        assertTrue(console.contains("Run /init as init process"), console);
        assertTrue(console.contains("KprobeLab Linux guest ready"), console);
    }

    @Test
    @Order(2)
    void mkdirTwice_theSecondFailsWithFileExists() {
        assertEquals("", run("mkdir /tmp/a", 0));
        assertEquals("mkdir: can't create directory '/tmp/a': File exists\n", run("mkdir /tmp/a", 1));
        assertEquals("/tmp/a\n", run("ls -d /tmp/a", 0));
    }

    @Test
    @Order(3)
    void unameAndCpuinfo_describeTheMachine() {
        assertTrue(run("uname -a", 0).startsWith("Linux (none) 6.1."));
        String cpuinfo = run("cat /proc/cpuinfo", 0);
        assertTrue(cpuinfo.contains("vendor_id\t: GenuineIntel"), cpuinfo);
        assertTrue(cpuinfo.contains("model name\t: KprobeLab x86-64 CPU @ 1.00GHz"), cpuinfo);
        assertTrue(cpuinfo.contains("address sizes\t: 40 bits physical, 48 bits virtual"), cpuinfo);
    }

    @Test
    @Order(4)
    void exitStatusesAndShellSyntax_reachTheHost() {
        run("sh -c 'exit 3'", 3);
        run("nosuchprogram", 127);
        assertEquals("it's \"quoted\"; a & b\n", run("echo \"it's \\\"quoted\\\"; a & b\"", 0));
        run("cd /tmp && [ \"$(pwd)\" = /tmp ]", 0);
        assertEquals("/tmp\n", run("pwd", 0), "cd persists: the shell is the user's");
        run("false &", 0);
        assertTrue(run("echo ((", 2).contains("syntax error"));
    }

    @Test
    @Order(5)
    void interrupt_endsTheForegroundCommand_andTheShellAnswersAgain() {
        int[] polls = {0};
        SerialShell.Result r = shell.run("while :; do :; done", b -> { }, 10_000_000_000L, () -> ++polls[0] > 50);
        assertTrue(r.interrupted());
        assertEquals(SerialShell.INTERRUPTED, r.status());
        assertEquals("still here\n", run("echo still here", 0));
    }

    @Test
    @Order(6)
    void taskList_fromInitTaskThroughBtf() throws Exception {
        LinuxKernelView view = new LinuxKernelView(machine.memory(), machine.symbols(), kernel.btf());
        List<GuestTask> tasks = view.tasks();
        assertEquals(new GuestTask(0, 0, 'R', 0, "swapper"), tasks.get(0));
        GuestTask init = tasks.get(1);
        assertEquals(1, init.pid());
        assertEquals("sh", init.comm());
        assertEquals('S', init.state());
        assertTrue(tasks.stream().anyMatch(t -> t.comm().equals("kthreadd") && t.pid() == 2), tasks.toString());
    }

    @Test
    @Order(7)
    void dmesg_readsThePrintkRing() throws Exception {
        LinuxKernelView view = new LinuxKernelView(machine.memory(), machine.symbols(), kernel.btf());
        String dmesg = view.dmesg();
        assertTrue(dmesg.startsWith("[    0.000000] Linux version 6.1."), dmesg.substring(0, Math.min(400, dmesg.length())));
        assertTrue(dmesg.contains("] Run /init as init process\n"), dmesg);
        // what the console showed of the kernel's messages is in the ring, line for line
        for (String line : boot.toString(StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.startsWith("[") && line.contains("] ") && !line.contains("bootconsole")) {
                assertTrue(dmesg.contains(line + "\n"), "missing from dmesg: " + line);
            }
        }
    }
}
