package io.kprobelab.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.List;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Boots the committed vmlinux and compares the serial console with what QEMU printed for the
 * same command line ({@code qemu-test.sh}, {@code -icount shift=0}: one instruction per virtual
 * nanosecond, as here). The RAM size is QEMU q35's usable top of RAM with {@code -m 128M}
 * (0x7fdd000), so even the "Memory: N KiB free" lines agree. After a kernel change, regenerate
 * {@code src/test/resources/io/kprobelab/guest/qemu/NAME.txt} with
 * {@code src/main/c/qemu-test.sh build/vmlinux CMDLINE > NAME.txt} (init, syscalltest,
 * spin = {@code sh spin 4000000 & spin 4000000}, misc, det, fault-KIND = {@code fault KIND},
 * kill = {@code sh sleep 100000 & kill -INT 2 ; kill 99}).
 */
class GuestKernelTest {

    static final long QEMU_RAM = 0x7fdd000L;
    static final long MAX = 2_000_000_000L;

    record Boot(String console, RunResult result, long hostMs) {
    }

    static Boot boot(String cmdline) {
        Machine m = Machines.create(1, 128);
        long t0 = System.nanoTime();
        GuestKernel.boot(m, BootParams.of(cmdline).withRamSize(QEMU_RAM));
        RunResult r = GuestKernel.runToPowerOff(m, MAX);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.poweredOff(), "no power-off within " + MAX + " instructions:\n" + m.console().text());
        return new Boot(m.console().text(), r, ms);
    }

    static String qemu(String name) {
        try (InputStream in = GuestKernelTest.class.getResourceAsStream("qemu/" + name + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void testInit_printsWhatQemuPrinted_andPowersOffWithStatus0() {
        Boot b = boot("init");
        assertEquals(qemu("init"), b.console());
        assertTrue(b.console().contains("init: mkdir(\"/tmp\") = -17 File exists\n"), "the kernel's EEXIST, shown");
        assertTrue(b.console().contains("init: mkdir exited with status 0\ninit: done\n"), "and no error at the end");
        assertTrue(b.console().contains("init[1] exited with status 0\n"));
        assertEquals(0, b.result().exitStatus());
        System.out.println("GuestKernelTest: boot to init and power-off: " + b.hostMs() + " ms host, "
                + b.result().retired() + " instructions");
    }

    @Test
    void testSyscalltest_89Pass0Fail_asUnderQemu() {
        Boot b = boot("syscalltest");
        assertTrue(b.console().contains("syscalltest: 95 passed, 0 failed\n"), b.console());
        assertTrue(b.console().contains("PASS SIGINT ends a sleeping child\nPASS SIGKILL ends a running child\n"), b.console());
        assertEquals(qemu("syscalltest"), b.console());
        assertEquals(0, b.result().exitStatus());
    }

    /** Every kind {@link GuestProgram#FAULT} offers (what guest:run completes and help lists). */
    static List<String> faultKinds() {
        return GuestProgram.FAULT.choices();
    }

    @ParameterizedTest
    @MethodSource("faultKinds")
    void testRing3Fault_killsTheTaskWithAMessage_kernelGoesOn(String kind) {
        Boot b = boot("fault " + kind);
        assertTrue(b.console().contains("fault[1]: "), b.console());
        assertTrue(b.console().contains(" - killed\n"), b.console());
        assertEquals(qemu("fault-" + kind), b.console());
    }

    /** The kill program and sys_kill: a background sleeper ends at SIGINT, an unknown pid is ESRCH. */
    @Test
    void testKill_endsABackgroundSleeper_reportsAnUnknownPid_asUnderQemu() {
        Boot b = boot("sh sleep 100000 & kill -INT 2 ; kill 99");
        assertTrue(b.console().contains("kill: (99) - No such process\n"), b.console());
        assertTrue(!b.console().contains("slept"), "the sleeper was ended: " + b.console());
        assertEquals(1, b.result().exitStatus(), "kill 99 failed, so sh did");
        assertEquals(qemu("kill"), b.console());
    }

    @Test
    void testPreemption_twoSpinsBothProgressBeforeEitherFinishes() {
        Boot b = boot("sh spin 4000000 & spin 4000000");
        String out = b.console();
        int firstDone = out.indexOf(": 4/4");
        int lastStart = out.lastIndexOf(": 1/4");
        assertTrue(firstDone > 0 && lastStart > 0 && lastStart < firstDone, out);
        assertEquals(qemu("spin"), out);
    }

    @Test
    void testSleepDeeprecMkdirbenchMkdir_asUnderQemu() {
        Boot b = boot("sh sleep 20 ; deeprec 100 ; mkdirbench 1000 ; mkdir /a /a");
        assertTrue(b.console().contains("sleep[2]: slept 20 ms (20 ms of virtual time)\n"), b.console());
        assertEquals(qemu("misc"), b.console());
        assertEquals(1, b.result().exitStatus());
    }

    @Test
    void testDeterminism_twoBootsGiveIdenticalConsoleAndInstructionCounts() {
        String cmd = "sh spin 2000000 & spin 2000000 ; syscalltest";
        Boot a = boot(cmd), b = boot(cmd);
        assertEquals(a.console(), b.console());
        assertEquals(a.result().retired(), b.result().retired());
        assertEquals(qemu("det"), a.console());
    }

    @Test
    void testRunSlices_doNotChangeTheRun_consoleAndInstructionCountAsInOneGo() {
        String cmd = "sh spin 2000000 & spin 2000000 ; syscalltest";
        Boot whole = boot(cmd);
        Machine m = Machines.create(1, 128);
        GuestKernel.boot(m, BootParams.of(cmd).withRamSize(QEMU_RAM));
        RunResult r;
        int slices = 0;
        do {
            r = m.runKernel(777_777);
            slices++;
        } while (!r.poweredOff() && slices < 10_000);
        assertTrue(slices > 10, "ran in " + slices + " slices");
        assertEquals(whole.console(), m.console().text());
        assertEquals(whole.result().retired(), r.retired());
    }
}
