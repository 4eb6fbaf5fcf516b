package io.kprobelab.traps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.traps.DieNotifier;
import io.kprobelab.traps.NotifyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DieChainTest {

    private static final Trap INT3 = new Trap(Trap.BP, -1, 0xffffffff81000001L, "");

    private final FakeMachine machine = new FakeMachine();
    private final List<String> calls = new ArrayList<>();
    private long nextId = 1;

    private Map<String, Object> props(Integer priority) {
        return priority == null ? Map.of("service.id", nextId++)
                : Map.of("service.id", nextId++, DieNotifier.PRIORITY, priority);
    }

    private DieNotifier recording(String name, NotifyResult result) {
        return (cpu, trap) -> {
            calls.add(name);
            return result;
        };
    }

    @Test
    void testActivate_installsItselfAsTrapSink_deactivateRemovesIt() {
        DieChain chain = new DieChain(machine);
        assertSame(chain, machine.sink);
        chain.deactivate();
        assertNull(machine.sink);
    }

    @Test
    void testEmptyChain_trapIsNotConsumed() {
        DieChain chain = new DieChain(machine);
        assertFalse(machine.raise(INT3));
    }

    @Test
    void testPriority_higherRunsFirst_regardlessOfRegistrationOrder() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier(recording("low", NotifyResult.DONE), props(-5));
        chain.addNotifier(recording("default", NotifyResult.DONE), props(null));
        chain.addNotifier(recording("kprobes", NotifyResult.DONE), props(Integer.MAX_VALUE));
        chain.addNotifier(recording("mid", NotifyResult.DONE), props(10));
        assertFalse(machine.raise(INT3));
        assertEquals(List.of("kprobes", "mid", "default", "low"), calls);
    }

    @Test
    void testEqualPriority_runInRegistrationOrder() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier(recording("first", NotifyResult.DONE), props(1));
        chain.addNotifier(recording("second", NotifyResult.DONE), props(1));
        chain.addNotifier(recording("third", NotifyResult.DONE), props(1));
        machine.raise(INT3);
        assertEquals(List.of("first", "second", "third"), calls);
    }

    @Test
    void testFirstStopWins_laterNotifiersAreNotCalled() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier(recording("a", NotifyResult.DONE), props(3));
        chain.addNotifier(recording("b", NotifyResult.STOP), props(2));
        chain.addNotifier(recording("c", NotifyResult.STOP), props(1));
        assertTrue(machine.raise(INT3));
        assertEquals(List.of("a", "b"), calls);
    }

    @Test
    void testThrowingNotifier_isTreatedAsDone_chainContinues() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier((cpu, trap) -> {
            calls.add("broken");
            throw new IllegalStateException("handler bug");
        }, props(5));
        chain.addNotifier(recording("next", NotifyResult.STOP), props(1));
        assertTrue(machine.raise(INT3));
        assertTrue(machine.raise(INT3));
        assertEquals(List.of("broken", "next", "broken", "next"), calls);
    }

    @Test
    void testNullResult_isTreatedAsDone() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier((cpu, trap) -> null, props(5));
        assertFalse(machine.raise(INT3));
    }

    @Test
    void testRemove_notifierIsNoLongerCalled() {
        DieChain chain = new DieChain(machine);
        DieNotifier a = recording("a", NotifyResult.STOP);
        Map<String, Object> pa = props(1);
        chain.addNotifier(a, pa);
        chain.addNotifier(recording("b", NotifyResult.DONE), props(0));
        chain.removeNotifier(a, pa);
        assertEquals(1, chain.size());
        assertFalse(machine.raise(INT3));
        assertEquals(List.of("b"), calls);
    }

    @Test
    void testUpdatedPriority_reordersTheChain() {
        DieChain chain = new DieChain(machine);
        DieNotifier a = recording("a", NotifyResult.DONE);
        chain.addNotifier(a, Map.of("service.id", 1L, DieNotifier.PRIORITY, 1));
        chain.addNotifier(recording("b", NotifyResult.DONE), Map.of("service.id", 2L, DieNotifier.PRIORITY, 5));
        chain.updatedNotifier(a, Map.of("service.id", 1L, DieNotifier.PRIORITY, 9));
        machine.raise(INT3);
        assertEquals(List.of("a", "b"), calls);
        assertEquals(2, chain.size());
    }

    @Test
    void testNotifierSeesTheTrapAndTheVcpu() {
        DieChain chain = new DieChain(machine);
        List<Object> seen = new ArrayList<>();
        chain.addNotifier((cpu, trap) -> {
            seen.add(cpu);
            seen.add(trap);
            return NotifyResult.STOP;
        }, props(0));
        machine.raise(INT3);
        assertEquals(List.of(machine.cpu, INT3), seen);
    }

    @Test
    void testStringPriority_fromConfiguration_isParsed() {
        DieChain chain = new DieChain(machine);
        chain.addNotifier(recording("low", NotifyResult.DONE), Map.of("service.id", 1L, DieNotifier.PRIORITY, "1"));
        chain.addNotifier(recording("high", NotifyResult.DONE), Map.of("service.id", 2L, DieNotifier.PRIORITY, " 7 "));
        machine.raise(INT3);
        assertEquals(List.of("high", "low"), calls);
    }

    /** Just enough Machine to hold a sink and raise traps through it. */
    private static final class FakeMachine implements Machine {
        TrapSink sink;
        final Vcpu cpu = new Vcpu() {
            @Override public int id() { return 0; }
            @Override public Machine machine() { return FakeMachine.this; }
            @Override public PtRegs regs() { throw new UnsupportedOperationException(); }
            @Override public GuestMemory memory() { throw new UnsupportedOperationException(); }
            @Override public long retired() { return 0; }
        };

        boolean raise(Trap trap) {
            return sink != null && sink.onTrap(cpu, trap);
        }

        @Override public List<Vcpu> vcpus() { return List.of(cpu); }
        @Override public GuestMemory memory() { throw new UnsupportedOperationException(); }
        @Override public SymbolTable symbols() { throw new UnsupportedOperationException(); }
        @Override public Optional<ElfImage> image() { return Optional.empty(); }
        @Override public void loadBare(ElfImage image) { throw new UnsupportedOperationException(); }
        @Override public CallResult call(long address, long... args) { throw new UnsupportedOperationException(); }
        @Override public void setTrapSink(TrapSink s) { sink = s; }
        @Override public long trapCount(int vector) { return 0; }
        @Override public void resetTrapCounts() { }
        @Override public void stopMachine(Runnable change) { change.run(); }
    }
}
