package io.kprobelab.kprobes.internal.whiteboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KretprobeInstance;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.kprobes.internal.events.TestArch;
import io.kprobelab.kprobes.internal.events.TestMachine;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.kprobes.whiteboard.KretprobeHandlers;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Handler services in, probes registered; services out, probes gone; refusals logged, nothing half-done. */
class WhiteboardProbesTest {

    static final long STEXT = 0xffffffff81000000L;
    static final long MKDIR = STEXT + 0x100;

    TestMachine machine;
    TestArch arch;
    KprobesService core;
    final List<String> errors = new ArrayList<>();
    WhiteboardProbes wb;

    @BeforeEach
    void setUp() throws KprobeException {
        machine = new TestMachine(1)
                .sym("_stext", STEXT, 0, 'T')
                .sym("sys_mkdir", MKDIR, 0x40, 'T')
                .sym("_etext", STEXT + 0x1000, 0, 'T');
        arch = new TestArch();
        core = new KprobesService(machine, arch, Generation.G2005, true);
        wb = new WhiteboardProbes(core, errors::add);
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    @Test
    void kprobeService_registersOneProbeWithBothHandlers_ownedByTheBundle() {
        List<String> seen = new ArrayList<>();
        assertTrue(wb.addKprobe(7, "org.example.kprobe", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                        KprobeProperties.OFFSET, "0x4"),
                (p, r) -> { seen.add("pre " + p.spec().owner() + " " + p.symbolName() + "+" + p.offset()); return 0; },
                (p, r, f) -> seen.add("post")));
        assertTrue(wb.addKprobe(7, "org.example.kprobe", Map.of(KprobeProperties.SYMBOL, "sys_mkdir"), null, null));
        assertEquals(1, core.list().size()); // the second bind of the same service changed nothing
        assertEquals(List.of("arm ffffffff81000104"), arch.calls);

        core.getKprobe(MKDIR + 4).runPreHandlers(machine.regs(0));
        core.getKprobe(MKDIR + 4).runPostHandlers(machine.regs(0));
        assertEquals(List.of("pre org.example.kprobe sys_mkdir+4", "post"), seen);

        wb.remove(7, WhiteboardProbes.Kind.KPROBE);
        assertEquals(List.of(), core.list());
        assertNull(core.getKprobe(MKDIR + 4));
        wb.remove(7, WhiteboardProbes.Kind.KPROBE); // the unbind of the other interface: nothing left
        assertEquals(List.of(), errors);
    }

    @Test
    void kretprobeHandlers_getTheirEntryHandler_dataAndMaxactiveFromProperties() {
        List<String> seen = new ArrayList<>();
        KretprobeHandlers h = new KretprobeHandlers() {
            @Override
            public int onEntry(KretprobeInstance ri, PtRegs regs) {
                ri.data().putLong(0, regs.get(Reg.RDI));
                return 0;
            }

            @Override
            public void onReturn(KretprobeInstance ri, PtRegs regs) {
                seen.add("arg " + ri.data().getLong(0) + " ret " + regs.returnValue() + " maxactive " + ri.rp().maxactive());
            }
        };
        assertTrue(wb.addKretprobe(9, "org.example.kretprobe", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.MAXACTIVE, 3, KprobeProperties.DATA_SIZE, "8"), h));
        TestMachine.Regs regs = machine.regs(0);
        regs.set(Reg.RDI, 42);
        regs.set(Reg.RAX, STEXT + 0x10); // the test arch takes the return address from RAX
        core.getKprobe(MKDIR).runPreHandlers(regs);
        regs.set(Reg.RAX, -17);
        core.walkKretprobeInstances(arch.task, ri -> {
            core.callKretprobeHandler(ri, regs);
            core.recycleKretprobeInstance(ri);
            return true;
        });
        assertEquals(List.of("arg 42 ret -17 maxactive 3"), seen);
        assertTrue(core.list().get(0).contains("  r  sys_mkdir+0x0"), core.list().toString());

        wb.removeAll();
        assertEquals(List.of(), core.list());
        assertEquals(0, wb.size());
    }

    @Test
    void refusedServices_areLoggedWithTheBundleName_andLeaveNoProbe() {
        arch.notBoundaries.add(MKDIR + 3);
        assertFalse(wb.addKprobe(1, "org.example.bad", Map.of(KprobeProperties.SYMBOL, "no_such"), (p, r) -> 0, null));
        assertFalse(wb.addKprobe(2, "org.example.bad", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.OFFSET, 3), (p, r) -> 0, null));
        assertFalse(wb.addKprobe(3, "org.example.bad", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.OFFSET, "-1"), (p, r) -> 0, null));
        assertFalse(wb.addKprobe(4, "org.example.bad", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.ADDR, MKDIR), (p, r) -> 0, null));
        assertFalse(wb.addKprobe(5, "org.example.bad", Map.of(), (p, r) -> 0, null));
        assertFalse(wb.addKretprobe(6, "org.example.bad", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.OFFSET, 1), (ri, r) -> 0));
        assertFalse(wb.addKprobe(8, "org.example.bad", Map.of(KprobeProperties.ADDR, "0xzz"), (p, r) -> 0, null));
        assertEquals(List.of(
                "org.example.bad: cannot register kprobe on no_such: ENOENT: no symbol 'no_such'",
                "org.example.bad: cannot register kprobe on sys_mkdir+3: EILSEQ: 0xffffffff81000103 is not an instruction boundary",
                "org.example.bad: cannot register kprobe on sys_mkdir+-1: EINVAL: negative kprobe.offset -1",
                "org.example.bad: cannot register kprobe on sys_mkdir: EINVAL: give kprobe.symbol or kprobe.addr, not both",
                "org.example.bad: cannot register kprobe: EINVAL: no kprobe.symbol or kprobe.addr property",
                "org.example.bad: cannot register kretprobe on sys_mkdir+1: EINVAL: sys_mkdir+0x1 is not a function entry",
                "org.example.bad: cannot register kprobe at 0xzz: EINVAL: kprobe.addr=0xzz is not a number"), errors);
        assertEquals(List.of(), core.list());
        assertEquals(0, wb.size());
        wb.remove(1, WhiteboardProbes.Kind.KPROBE); // its unbind finds nothing to undo
    }

    @Test
    void addressProperty_acceptsHexStringsAndNumbers() {
        assertTrue(wb.addKprobe(1, "b", Map.of(KprobeProperties.ADDR, "0xffffffff81000100"), (p, r) -> 0, null));
        assertTrue(wb.addKprobe(2, "b", Map.of(KprobeProperties.ADDR, MKDIR + 1), (p, r) -> 0, null));
        assertEquals(2, core.list().size());
        assertTrue(core.getKprobe(MKDIR) != null && core.getKprobe(MKDIR + 1) != null);
    }

    @Test
    void kretprobeHandlers_arePlantedAndRemoved_withTheLiveKretprobe() {
        List<String> seen = new ArrayList<>();
        KretprobeHandlers h = new KretprobeHandlers() {
            @Override
            public void onReturn(KretprobeInstance ri, PtRegs regs) {
            }

            @Override
            public void planted(io.kprobelab.kprobes.Kretprobe rp) {
                seen.add("planted " + rp.kp().symbolName() + " maxactive " + rp.maxactive());
            }

            @Override
            public void removed(io.kprobelab.kprobes.Kretprobe rp) {
                seen.add("removed registered=" + rp.kp().isRegistered() + " nmissed " + rp.nmissed());
                throw new IllegalStateException("a module bug");
            }
        };
        assertTrue(wb.addKretprobe(9, "org.example.ret", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.MAXACTIVE, 3), h));
        wb.remove(9, WhiteboardProbes.Kind.KRETPROBE);
        assertEquals(List.of("planted sys_mkdir maxactive 3", "removed registered=false nmissed 0"), seen);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("org.example.ret: kretprobe lifecycle callback threw"), errors.get(0));
    }
}
