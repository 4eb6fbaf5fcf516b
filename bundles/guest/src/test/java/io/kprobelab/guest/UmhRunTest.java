package io.kprobelab.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Programs started on a running guest through {@code umh_mailbox} (BOOT.md section 7), as {@code guest:run} does. */
class UmhRunTest {

    static final long MAX = 1_000_000_000L;

    @Test
    void testRun_mkdirTwice_exitStatus1_nosuch127_faultKilled139_guestStaysUp() {
        Machine m = Machines.create(1, 64);
        GuestKernel.bootToIdle(m, BootParams.of("init"), MAX);
        assertTrue(m.console().text().contains("init[1] exited with status 0\n"), m.console().text());

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        ProgramResult r = GuestKernel.run(m, "mkdir /x /x", streamed::write, MAX);
        assertEquals(1, r.status());
        assertTrue(r.pid() > 1, "pid " + r.pid());
        assertEquals("mkdir: cannot create directory '/x': File exists\n", r.output());
        assertEquals(r.output(), streamed.toString());

        ProgramResult n = GuestKernel.run(m, "nosuch", null, MAX);
        assertEquals(127, n.status());
        assertEquals(-2, n.pid(), "-ENOENT");

        ProgramResult f = GuestKernel.run(m, "fault hlt", null, MAX);
        assertEquals(128 + 11, f.status());
        assertTrue(f.output().contains("general protection fault at 0x"), f.output());

        ProgramResult again = GuestKernel.run(m, "mkdir /y", null, MAX);
        assertEquals(0, again.status());
        assertEquals(r.pid() + 2, again.pid(), "pids keep counting: the same kernel ran all four");
    }

    @Test
    void testMachineCall_onTheBootedKernel_leavesTheGuestTimelineAlone() throws Exception {
        Machine a = Machines.create(1, 64), b = Machines.create(1, 64);
        GuestKernel.bootToIdle(a, BootParams.of("init"), MAX);
        GuestKernel.bootToIdle(b, BootParams.of("init"), MAX);
        long before = a.vcpu(0).retired();
        // sys_getpid from the idle task: pid 0; a kernel pointer to sys_mkdir: -EFAULT, kernel unharmed
        assertEquals(0, a.call("sys_getpid").rax());
        io.kprobelab.machine.CallResult mk = a.call("sys_mkdir", 0xffff888000001000L, 0755);
        assertEquals(-14, mk.rax(), "-EFAULT");
        assertTrue(mk.instructions() > 10, "ran guest code: " + mk.instructions());
        assertEquals(before, a.vcpu(0).retired(), "virtual time untouched by host calls");
        ProgramResult ra = GuestKernel.run(a, "mkdir /z /z", null, MAX);
        ProgramResult rb = GuestKernel.run(b, "mkdir /z /z", null, MAX);
        assertEquals(rb, ra, "a guest with host calls behaves as one without");
        // kprobes' instruction slots come from the kernel's kprobe_insn_slots area
        long slot = a.allocateKernelText(a.symbols().lookup("sys_mkdir").get().address(), 1);
        assertEquals(a.symbols().lookup("kprobe_insn_slots").get().address(), slot);
        assertEquals(0xcc, a.memory().readU8(slot), "the area is filled with int3");
    }
}
