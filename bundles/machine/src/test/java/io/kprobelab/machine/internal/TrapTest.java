package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Traps and exceptions: #BP, #DB from TF, #DE, #UD, code invalidation, the trap sink, stop-machine. */
class TrapTest {

    final TestImage img = new TestImage();

    Machine load() {
        Machine m = Machines.create(1, 16);
        m.loadBare(img);
        return m;
    }

    // sum(n): n + (n-1) + ... + 1
    //   0: 31 c0        xor eax, eax
    //   2: 48 01 f8     add rax, rdi
    //   5: 48 ff cf     dec rdi
    //   8: 75 f8        jnz 2
    //  10: c3           ret
    static final int[] SUM = {0x31, 0xc0, 0x48, 0x01, 0xf8, 0x48, 0xff, 0xcf, 0x75, 0xf8, 0xc3};

    @Test
    void testInt3_pokedIntoRunningLoop_trapsAtNextPassWithRipAfterCc() throws Exception {
        long sum = img.function("sum", SUM);
        Machine m = load();
        assertEquals(5050, m.call("sum", 100).rax());
        long body = sum + 2;
        List<long[]> seen = new ArrayList<>();
        m.setTrapSink((cpu, t) -> {
            if (t.vector() != Trap.BP) {
                return false;
            }
            PtRegs r = cpu.regs();
            seen.add(new long[] {t.address(), r.ip()});
            try {
                cpu.memory().poke(body, new byte[] {0x48}, 0, 1); // restore the original byte
            } catch (io.kprobelab.machine.MemoryFault e) {
                throw new IllegalStateException(e);
            }
            r.setIp(body);
            r.set(Reg.RDI, 1); // end the loop after this pass
            return true;
        });
        AtomicReference<Object> result = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(m.call("sum", 1L << 40));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        long before = m.vcpu(0).retired();
        caller.start();
        // Plant the int3 only once the loop has run thousands of passes from the decode cache (its
        // retired count, read while stop-machine has the vCPU parked): the race the test names.
        boolean[] planted = {false};
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!planted[0]) {
            assertTrue(System.nanoTime() < deadline, "the loop did not run 100000 instructions within 60 s");
            m.stopMachine(() -> {
                if (m.vcpu(0).retired() - before >= 100_000) {
                    try {
                        m.memory().poke(body, new byte[] {(byte) 0xcc}, 0, 1);
                    } catch (io.kprobelab.machine.MemoryFault e) {
                        throw new IllegalStateException(e);
                    }
                    planted[0] = true;
                }
            });
            Thread.sleep(1);
        }
        caller.join(60_000);
        assertFalse(caller.isAlive());
        assertTrue(result.get() instanceof io.kprobelab.machine.CallResult, String.valueOf(result.get()));
        assertEquals(1, seen.size());
        assertEquals(body, seen.get(0)[0]);     // the trap names the int3
        assertEquals(body + 1, seen.get(0)[1]); // #BP is a trap: saved RIP is after the 0xCC
        assertEquals(1, m.trapCount(Trap.BP));
        assertEquals(5050, m.call("sum", 100).rax()); // byte restored, decode cache refreshed again
    }

    @Test
    void testInt3_guestStoreIntoDecodedCode_invalidatesIt() throws Exception {
        img.function("dummy", 0xc3);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        long page = 0xffffffffa0000000L; // an RWX page
        mi.mapRange(page, 4096, true, true, false);
        // target: mov eax, 7; ret           b8 07 00 00 00 c3
        // patch:  mov byte ptr [rdi], 0xcc; ret    c6 07 cc c3
        m.memory().poke(page, new byte[] {(byte) 0xb8, 7, 0, 0, 0, (byte) 0xc3, 0, 0,
            (byte) 0xc6, 7, (byte) 0xcc, (byte) 0xc3}, 0, 12);
        assertEquals(7, m.call(page).rax());
        m.call(page + 8, page);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call(page));
        assertEquals(Trap.BP, o.trap().vector());
        assertEquals(page, o.trap().address());
    }

    @Test
    void testInt3_unhandled_oopsWithRipAfterTheInt3() {
        // cc               int3
        // b8 07 00 00 00   mov eax, 7
        // c3               ret
        img.function("bp", 0xcc, 0xb8, 7, 0, 0, 0, 0xc3);
        Machine m = load();
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("bp"));
        assertEquals(Trap.BP, o.trap().vector());
        assertTrue(o.report().contains("RIP: bp+0x1"), o.report());
        assertTrue(o.report().contains("#BP"), o.report());
        m.setTrapSink((cpu, t) -> t.vector() == Trap.BP);
        assertEquals(7, m.call("bp").rax());
        assertEquals(2, m.trapCount(Trap.BP));
    }

    @Test
    void testSingleStep_tfSetByPopf_trapsAfterEachLaterInstructionNotAfterPopf() {
        //  0: 9c                          pushfq
        //  1: 48 81 0c 24 00 01 00 00     or qword ptr [rsp], 0x100
        //  9: 9d                          popfq        (sets TF: no trap after it)
        // 10: 90                          nop          -> #DB, RIP 11
        // 11: b8 01 00 00 00              mov eax, 1   -> #DB, RIP 16 (handler clears TF)
        // 16: 83 c0 02                    add eax, 2
        // 19: c3                          ret
        long f = img.function("step", 0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0, 0, 0x9d, 0x90,
                0xb8, 1, 0, 0, 0, 0x83, 0xc0, 2, 0xc3);
        Machine m = load();
        List<long[]> steps = new ArrayList<>();
        m.setTrapSink((cpu, t) -> {
            if (t.vector() != Trap.DB) {
                return false;
            }
            long flags = cpu.regs().flags();
            steps.add(new long[] {t.address(), cpu.regs().ip(), flags});
            if (steps.size() == 2) {
                cpu.regs().set(Reg.RFLAGS, flags & ~PtRegs.FLAG_TF);
            }
            return true;
        });
        assertEquals(3, m.call("step").rax());
        assertEquals(2, steps.size());
        assertEquals(f + 10, steps.get(0)[0]);
        assertEquals(f + 11, steps.get(0)[1]);
        assertNotEquals(0, steps.get(0)[2] & PtRegs.FLAG_TF); // the handler sees TF still set
        assertEquals(f + 11, steps.get(1)[0]);
        assertEquals(f + 16, steps.get(1)[1]);
        assertEquals(2, m.trapCount(Trap.DB));
    }

    @Test
    void testSingleStep_setBySinkAtInt3_stepsTheNextInstruction() {
        // cc; 48 83 c0 05 (add rax, 5); c3
        long f = img.function("bpstep", 0xcc, 0x48, 0x83, 0xc0, 0x05, 0xc3);
        Machine m = load();
        List<String> order = new ArrayList<>();
        m.setTrapSink((cpu, t) -> {
            order.add(t.name() + "@" + Long.toHexString(cpu.regs().ip() - f));
            PtRegs r = cpu.regs();
            if (t.vector() == Trap.BP) {
                r.set(Reg.RFLAGS, r.flags() | PtRegs.FLAG_TF);
            } else {
                r.set(Reg.RFLAGS, r.flags() & ~PtRegs.FLAG_TF);
            }
            return true;
        });
        assertEquals(5, m.call(f).rax());
        assertEquals(List.of("#BP@1", "#DB@5"), order);
    }

    @Test
    void testDivide_byZero_raisesDeAtTheDiv() {
        // 31 c9   xor ecx, ecx
        // f7 f1   div ecx
        // c3      ret
        img.function("divzero", 0x31, 0xc9, 0xf7, 0xf1, 0xc3);
        GuestOops o = assertThrows(GuestOops.class, () -> load().call("divzero"));
        assertEquals(Trap.DE, o.trap().vector());
        assertTrue(o.report().contains("RIP: divzero+0x2"), o.report());
    }

    @Test
    void testDivide_quotientOverflow_raisesDe() {
        // b8 00 00 00 80   mov eax, 0x80000000
        // 99               cdq
        // b9 ff ff ff ff   mov ecx, -1
        // f7 f9            idiv ecx
        // c3               ret
        img.function("divovf", 0xb8, 0, 0, 0, 0x80, 0x99, 0xb9, 0xff, 0xff, 0xff, 0xff, 0xf7, 0xf9, 0xc3);
        Machine m = load();
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("divovf"));
        assertEquals(Trap.DE, o.trap().vector());
        assertTrue(o.report().contains("RIP: divovf+0xb"), o.report());
        assertEquals(0x80000000L, m.vcpu(0).regs().get(Reg.RAX)); // nothing changed by the faulting idiv
    }

    @Test
    void testUd2_raisesUdNamingTheBytes() {
        img.function("ud", 0x0f, 0x0b); // ud2
        GuestOops o = assertThrows(GuestOops.class, () -> load().call("ud"));
        assertEquals(Trap.UD, o.trap().vector());
        assertTrue(o.trap().message().contains("0f 0b"), o.trap().message());
    }

    @Test
    void testUnsupportedInstruction_raisesUdWithItsBytes() {
        img.function("mmx", 0x0f, 0xef, 0xc0, 0xc3); // pxor mm0, mm0 (MMX: not emulated)
        GuestOops o = assertThrows(GuestOops.class, () -> load().call("mmx"));
        assertEquals(Trap.UD, o.trap().vector());
        assertTrue(o.trap().message().contains("0f ef c0"), o.trap().message());
        assertTrue(o.report().contains("0f ef c0"), o.report());
        assertTrue(o.report().contains("RIP: mmx+0x0"), o.report());
    }

    @Test
    void testTrapSink_throwing_becomesOopsAndVcpuSurvives() {
        img.function("bp2", 0xcc, 0xc3);
        img.function("seven", 0xb8, 7, 0, 0, 0, 0xc3); // mov eax, 7; ret
        Machine m = load();
        m.setTrapSink((cpu, t) -> {
            throw new IllegalStateException("handler bug");
        });
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("bp2"));
        assertTrue(o.report().contains("IllegalStateException: handler bug"), o.report());
        m.setTrapSink(null);
        assertEquals(7, m.call("seven").rax());
    }

    @Test
    void testStopMachine_fromOtherThreadWhileIdle_runsTheChange() {
        img.function("seven", 0xb8, 7, 0, 0, 0, 0xc3);
        Machine m = load();
        AtomicReference<String> ran = new AtomicReference<>();
        m.stopMachine(() -> ran.set(Thread.currentThread().getName()));
        assertEquals(Thread.currentThread().getName(), ran.get());
    }

    @Test
    void testStopMachine_onVcpuThread_runsInline() {
        img.function("bp3", 0xcc, 0xc3);
        Machine m = load();
        List<String> names = new ArrayList<>();
        m.setTrapSink((cpu, t) -> {
            m.stopMachine(() -> names.add(Thread.currentThread().getName()));
            return true;
        });
        m.call("bp3");
        assertEquals(1, names.size());
        assertTrue(names.get(0).startsWith("kprobelab-vcpu-0"), names.get(0));
    }

    @Test
    void testRdtsc_countsRetiredInstructions() {
        //  0f 31       rdtsc
        //  48 89 c1    mov rcx, rax
        //  90 90 90    nop x3
        //  0f 31       rdtsc
        //  48 29 c8    sub rax, rcx
        //  c3          ret
        img.function("tsc", 0x0f, 0x31, 0x48, 0x89, 0xc1, 0x90, 0x90, 0x90, 0x0f, 0x31, 0x48, 0x29, 0xc8, 0xc3);
        Machine m = load();
        assertEquals(5, m.call("tsc").rax());
        assertEquals(8, m.call("tsc").instructions()); // ret included
    }

    @Test
    void testRepMovs_faultMidway_leavesRegistersAtTheFaultingIteration() {
        // f3 a4   rep movsb
        // c3      ret
        long f = img.function("copy", 0xf3, 0xa4, 0xc3);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        Cpu c = mi.vcpuImpl(0).cpu;
        c.r[1] = 100;
        c.r[6] = TestImage.DATA;               // source: readable
        c.r[7] = TestImage.DATA + 4096 - 40;   // destination: the page after DATA is unmapped
        c.rip = f;
        c.setRflags(2);
        GuestOops o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(TestImage.DATA + 4096, o.trap().address());
        assertEquals(MemoryFault.PF_WRITE, o.trap().errorCode());
        assertEquals(60, c.r[1]);               // 40 bytes copied, 60 to go
        assertEquals(TestImage.DATA + 40, c.r[6]);
        assertEquals(TestImage.DATA + 4096, c.r[7]);
        assertEquals(f, c.rip);                 // restartable: RIP at the rep movsb
    }

    @Test
    void testGsOverride_addsGsBase() throws Exception {
        // 65 48 8b 07   mov rax, gs:[rdi]
        // c3            ret
        img.function("gsread", 0x65, 0x48, 0x8b, 0x07, 0xc3);
        Machine m = load();
        m.memory().writeU64(TestImage.DATA + 0x20, 0x1122334455667788L);
        m.vcpu(0).regs().set(Reg.GS_BASE, TestImage.DATA);
        assertEquals(0x1122334455667788L, m.call("gsread", 0x20).rax());
    }

    @Test
    void testIndirectCallAndJump_throughRegisterAndMemory() throws Exception {
        // caller: 48 8b 07 mov rax,[rdi] ; ff d0 call rax ; 48 83 c0 01 add rax,1 ; c3 ret
        // callee: b8 29 00 00 00 mov eax, 41 ; c3 ret
        long callee = img.function("callee", 0xb8, 0x29, 0, 0, 0, 0xc3);
        img.function("caller", 0x48, 0x8b, 0x07, 0xff, 0xd0, 0x48, 0x83, 0xc0, 0x01, 0xc3);
        // ff 27  jmp qword ptr [rdi]
        img.function("tail", 0xff, 0x27);
        Machine m = load();
        m.memory().writeU64(TestImage.DATA, callee);
        assertEquals(42, m.call("caller", TestImage.DATA).rax());
        assertEquals(41, m.call("tail", TestImage.DATA).rax());
    }

    @Test
    void testCallFromTrapHandler_runsNestedAndResumesTheTrappedCall() {
        // outer: cc int3 ; 48 83 c0 05 add rax, 5 ; c3 ret       (rax is set by the handler)
        img.function("outer", 0xcc, 0x48, 0x83, 0xc0, 0x05, 0xc3);
        img.function("seven", 0xb8, 7, 0, 0, 0, 0xc3); // mov eax, 7 ; ret
        Machine m = load();
        m.setTrapSink((cpu, t) -> {
            long rsp = cpu.regs().sp();
            long seven = m.call("seven").rax(); // a nested call on the vCPU thread
            assertEquals(rsp, cpu.regs().sp());  // the trapped context is intact
            cpu.regs().set(Reg.RAX, seven * 10);
            return true;
        });
        assertEquals(75, m.call("outer").rax());
    }

    @Test
    void testInstructionLongerThan15Bytes_raisesGp() {
        // 14 x 66 prefix + 90 (nop): 15 bytes is fine; 15 x 66 + 90 is 16 bytes: #GP(0)
        int[] ok = new int[16];
        int[] bad = new int[17];
        java.util.Arrays.fill(ok, 0x66);
        java.util.Arrays.fill(bad, 0x66);
        ok[14] = 0x90;
        ok[15] = 0xc3;
        bad[15] = 0x90;
        bad[16] = 0xc3;
        img.function("ok15", ok);
        img.function("bad16", bad);
        Machine m = load();
        assertEquals(2, m.call("ok15").instructions());
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("bad16"));
        assertEquals(Trap.GP, o.trap().vector());
        assertEquals(0, o.trap().errorCode());
    }

    @Test
    void testSingleStep_takenBranchReportsTargetAndFaultPreemptsTheStep() throws Exception {
        //  0: eb 02        jmp +2          -> #DB with RIP 4
        //  2: 0f 0b        ud2 (skipped)
        //  4: 48 8b 07     mov rax, [rdi]  -> #PF (no #DB for a faulting instruction)
        //  7: c3           ret
        long f = img.function("stepjmp", 0xeb, 0x02, 0x0f, 0x0b, 0x48, 0x8b, 0x07, 0xc3);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        List<String> seen = new ArrayList<>();
        m.setTrapSink((cpu, t) -> {
            seen.add(t.name() + "@" + Long.toHexString(cpu.regs().ip() - f));
            return t.vector() == Trap.DB;
        });
        Cpu c = mi.vcpuImpl(0).cpu;
        c.rip = f;
        c.r[7] = 0x10; // unmapped
        c.setRflags(2 | Cpu.TF);
        GuestOops o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(List.of("#DB@4", "#PF@4"), seen);
        assertEquals(1, m.trapCount(Trap.DB));
    }
}
