package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Trap;
import org.junit.jupiter.api.Test;

/** Calls gcc-compiled functions of a kernel-address ELF in bare mode. */
class BareCallTest {

    static Machine load(String opt) throws Exception {
        ElfImage img = ElfImage.read(GuestBuild.kernelElf("workloads/workloads.c", opt));
        Machine m = Machines.create(1, 64);
        m.loadBare(img);
        return m;
    }

    static long fib(long n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    @Test
    void testCall_fibAtO2_matchesJava() throws Exception {
        Machine m = load("-O2");
        CallResult r = m.call("fib", 20);
        assertEquals(fib(20), r.rax());
        assertTrue(r.instructions() > 1000);
    }

    @Test
    void testCall_fibAtO0AndOs_matchJava() throws Exception {
        assertEquals(fib(15), load("-O0").call("fib", 15).rax());
        assertEquals(fib(15), load("-Os").call("fib", 15).rax());
    }

    @Test
    void testCall_eightArguments_sixInRegistersTwoOnStack() throws Exception {
        Machine m = load("-O2");
        assertEquals(1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * 7 + 8 * 8,
                m.call("args8", 1, 2, 3, 4, 5, 6, 7, 8).rax());
    }

    @Test
    void testCall_entryStack_isSixteenByteAlignedMinusEight() throws Exception {
        assertEquals(8, load("-O2").call("stack_align").rax());
    }

    @Test
    void testCall_infiniteLoop_endsWithBudgetOops() throws Exception {
        Machine m = load("-O2");
        ((MachineImpl) m).setInstructionBudget(1_000_000);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("spin", 1));
        assertTrue(o.report().contains("budget"), o.report());
        // the machine is still usable afterwards
        assertEquals(fib(10), m.call("fib", 10).rax());
    }

    /** ^C in the shell interrupts machine:call's thread: the call stops, the machine stays usable. */
    @Test
    void testCall_interruptedCaller_stopsTheLoopingCall_machineUsableAfterwards() throws Exception {
        Machine m = load("-O2");
        java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean flagAfter = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                m.call("spin", 1); // loops for the whole default budget, a minute of guest time
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            } finally {
                flagAfter.set(Thread.interrupted());
            }
        });
        caller.start();
        Thread.sleep(200); // let the call start (an earlier interrupt cancels it before it runs: fine too)
        caller.interrupt();
        Throwable t = failure.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof java.util.concurrent.CancellationException, String.valueOf(t));
        assertTrue(t.getMessage().startsWith("interrupted"), t.getMessage());
        caller.join();
        assertTrue(flagAfter.get(), "the caller's interrupt status is set again");
        assertEquals(fib(10), m.call("fib", 10).rax(), "the vCPU is free for the next call");
        // an interrupt from before the call is the caller's: the call runs, the status stays
        Thread.currentThread().interrupt();
        try {
            assertEquals(fib(10), m.call("fib", 10).rax());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void testCall_nullDeref_oopsWithPageFaultCr2AndBacktrace() throws Exception {
        Machine m = load("-O0");
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("crash_chain", 0x10));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(0, o.trap().errorCode()); // not-present read, supervisor
        assertEquals(0x10, o.trap().address());
        String rep = o.report();
        assertTrue(rep.contains("RIP: deref+0x"), rep);
        assertTrue(rep.contains("CR2: 0000000000000010"), rep);
        assertTrue(rep.contains("depth3+0x"), rep);
        assertTrue(rep.contains("depth2+0x"), rep);
        assertTrue(rep.contains("crash_chain+0x"), rep);
        assertTrue(rep.contains("RFLAGS:"), rep);
        assertEquals(1, m.trapCount(Trap.PF));
    }
}
