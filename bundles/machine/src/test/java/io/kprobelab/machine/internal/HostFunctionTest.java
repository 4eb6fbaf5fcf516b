package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host functions in guest text: reached like code, run as one instruction, no trap. */
class HostFunctionTest {

    /** A host function called like {@code long f(long)}: doubles its argument and returns. */
    static void twice(io.kprobelab.machine.Vcpu cpu) {
        PtRegs r = cpu.regs();
        r.set(Reg.RAX, r.get(Reg.RDI) * 2);
        long sp = r.sp();
        try {
            r.setIp(cpu.memory().readU64(sp)); // ret
        } catch (io.kprobelab.machine.MemoryFault e) {
            throw new IllegalStateException(e);
        }
        r.set(Reg.RSP, sp + 8);
    }

    @Test
    void calledLikeCode_runsAsOneInstruction_withoutATrap() throws Exception {
        Machine m = BareCallTest.load("-O2");
        long near = m.symbols().lookup("fib").orElseThrow().address();
        long f = m.hostFunction(near, HostFunctionTest::twice);
        assertTrue(Math.abs(f - near) < (1L << 31), "within 2 GB of the text");
        m.resetTrapCounts();
        CallResult r = m.call(f, 21);
        assertEquals(42, r.rax());
        assertEquals(1, r.instructions());
        for (int v = 0; v < 32; v++) {
            assertEquals(0, m.trapCount(v), "trap " + v);
        }
    }

    @Test
    void itMayGoOnInGuestCode_aTailCall() throws Exception {
        Machine m = BareCallTest.load("-O2");
        long fib = m.symbols().lookup("fib").orElseThrow().address();
        List<Long> seen = new ArrayList<>();
        long f = m.hostFunction(fib, cpu -> {
            seen.add(cpu.regs().get(Reg.RDI));
            cpu.regs().setIp(fib); // jmp fib: its ret goes back to our caller
        });
        assertEquals(BareCallTest.fib(20), m.call(f, 20).rax());
        assertEquals(List.of(20L), seen);
        assertEquals(BareCallTest.fib(20), m.call("fib", 20).rax(), "guest code is unchanged");
    }

    @Test
    void everyOtherByteOfItsPageIsAnInt3() throws Exception {
        Machine m = BareCallTest.load("-O2");
        long f = m.hostFunction(m.symbols().lookup("fib").orElseThrow().address(), HostFunctionTest::twice);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call(f + 1, 1));
        assertEquals(Trap.BP, o.trap().vector(), o.report());
    }

    @Test
    void aNewImageRemovesIt() throws Exception {
        Machine m = BareCallTest.load("-O2");
        long f = m.hostFunction(m.symbols().lookup("fib").orElseThrow().address(), HostFunctionTest::twice);
        assertEquals(2, m.call(f, 1).rax());
        m.loadBare(io.kprobelab.machine.ElfImage.read(GuestBuild.kernelElf("workloads/workloads.c", "-O2")));
        assertEquals(0, ((MachineImpl) m).phys.hostFunctions.size());
    }
}
