package io.kprobelab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MachineCommandsTest {

    private static final long TEXT = 0xffffffff81000000L;

    private final FakeMachine machine = new FakeMachine(TEXT, new byte[0x2000])
            .sym("add3", TEXT, 8, 'T')
            .sym("loop_sum", TEXT + 0x10, 0x20, 'T')
            .sym("counter", TEXT + 0x1000, 8, 'D')
            .sym("helper", TEXT + 0x40, 4, 't');
    private final MachineCommands commands = new MachineCommands(machine);

    @Test
    void testCall_passesArgumentsInOrder_printsTheShellLine() {
        machine.onCall = a -> new CallResult(a[1] + a[2] + a[3], 4, 1234);
        assertEquals("rax=0x6 insns=4 ns=1234", commands.call(1, "add3", "1", "2", "3"));
        assertArrayEquals(new long[] {TEXT, 1, 2, 3}, machine.calls.get(0));
    }

    @Test
    void testCall_hexAndNegativeArguments() {
        machine.onCall = a -> new CallResult(a[1] + a[2] + a[3], 4, 1);
        assertEquals("rax=0xffffffffffffffff insns=4 ns=1", commands.call(1, "add3", "-0x10", "0x10", "-1"));
    }

    @Test
    void testCall_repeat_printsTheFastestRun() {
        long[] ns = {500, 90, 300};
        AtomicLong i = new AtomicLong();
        machine.onCall = a -> new CallResult(7, 10, ns[(int) i.getAndIncrement()]);
        assertEquals("rax=0x7 insns=10 ns=90", commands.call(3, "add3"));
        assertEquals(3, machine.calls.size());
    }

    @Test
    void testCall_unknownSymbol_isAClearOneLineError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> commands.call(1, "no_such_fn", "1"));
        assertEquals("unknown symbol: no_such_fn", e.getMessage());
        assertTrue(machine.calls.isEmpty());
    }

    @Test
    void testCall_byAddress() {
        commands.call(1, "0xffffffff81000010");
        assertEquals(TEXT + 0x10, machine.calls.get(0)[0]);
    }

    @Test
    void testCall_badArguments() {
        assertEquals("not an integer: 12z (decimal or 0x-hex)",
                assertThrows(IllegalArgumentException.class, () -> commands.call(1, "add3", "12z")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands.call(1, "add3", "1", "2", "3", "4", "5", "6", "7"));
        assertThrows(IllegalArgumentException.class, () -> commands.call(0, "add3"));
    }

    @Test
    void testNoMachine_saysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new MachineCommands().syms());
        assertTrue(e.getMessage().startsWith("no machine"), e.getMessage());
    }

    @Test
    void testTraps_oneLinePerVectorSeen_resetZeroes() {
        machine.trapCounts[Trap.BP] = 4000;
        machine.trapCounts[Trap.DB] = 3999;
        machine.trapCounts[Trap.PF] = 1;
        assertEquals(MachineCommands.TRAPS_HEADER + "\n1 #DB 3999\n3 #BP 4000\n14 #PF 1", commands.traps(true));
        assertEquals(MachineCommands.TRAPS_HEADER, commands.traps(false), "the header says what is (not) counted");
    }

    @Test
    void testTraps_withoutReset_keepsCounting() {
        machine.trapCounts[Trap.UD] = 2;
        assertEquals(MachineCommands.TRAPS_HEADER + "\n6 #UD 2", commands.traps(false));
        assertEquals(MachineCommands.TRAPS_HEADER + "\n6 #UD 2", commands.traps(false));
    }

    @Test
    void testSyms_kallsymsLines_globFilters() {
        assertEquals("ffffffff81000000 T add3", commands.syms("add3"));
        assertEquals("ffffffff81000000 T add3\nffffffff81000010 T loop_sum", commands.syms("[al]*"));
        assertEquals("ffffffff81000040 t helper", commands.syms("h?lper"));
        assertEquals(4, commands.syms().lines().count());
        assertNull(commands.syms("nothing*"));
    }

    @Test
    void testMem_hexDump16PerLine() {
        byte[] code = {0x48, (byte) 0x8d, 0x04, 0x37, 0x48, 0x01, (byte) 0xd0, (byte) 0xc3, 'h', 'i', 0, 0, 0, 0, 0, 0,
            (byte) 0x90};
        System.arraycopy(code, 0, machine.ram, 0, code.length);
        assertEquals(
                "ffffffff81000000  48 8d 04 37 48 01 d0 c3  68 69 00 00 00 00 00 00  |H..7H...hi......|\n"
                + "ffffffff81000010  90                                                |.|",
                commands.mem("add3", "17"));
    }

    @Test
    void testMem_unmapped_isAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.mem("0x1000", "16"));
        assertTrue(e.getMessage().startsWith("cannot read 0x1000+16: page fault at 0x1000"), e.getMessage());
    }

    @Test
    void testRegs_readWhileStopped_kernelLayout() {
        machine.regs.put(Reg.RIP, TEXT + 3);
        machine.regs.put(Reg.CS, 0x10L);
        machine.regs.put(Reg.SS, 0x18L);
        machine.regs.put(Reg.RAX, 0x6L);
        machine.regs.put(Reg.RFLAGS, 0x246L);
        machine.regs.put(Reg.R15, -1L);
        String out = commands.regs(0);
        assertTrue(out.contains("RIP: 0010:ffffffff81000003 add3+0x3/0x8\n"), out);
        assertTrue(out.contains("RSP: 0018:0000000000000000 EFLAGS: 00000246\n"), out);
        assertTrue(out.contains("RAX: 0000000000000006 RBX: 0000000000000000 RCX: 0000000000000000\n"), out);
        assertTrue(out.contains("R13: 0000000000000000 R14: 0000000000000000 R15: ffffffffffffffff\n"), out);
        assertEquals(10, out.lines().count());
        assertThrows(IllegalArgumentException.class, () -> commands.regs(1));

        // XMM registers that hold something follow, high quadword first
        machine.xmm[2 * 12] = 0x2a;
        machine.xmm[2 * 12 + 1] = -1L;
        String withXmm = commands.regs(0);
        assertTrue(withXmm.endsWith("\nXMM12: ffffffffffffffff 000000000000002a"), withXmm);
        assertEquals(11, withXmm.lines().count());
    }

    // add3: 48 01 f7 (add rdi,rsi); 48 8d 04 17 (lea rax,[rdi+rdx*1]); c3 (ret); then a jmp back.
    private static final byte[] ADD3 = {0x48, 0x01, (byte) 0xf7, 0x48, (byte) 0x8d, 0x04, 0x17, (byte) 0xc3,
        (byte) 0xeb, (byte) 0xf6};

    @Test
    void testDisasm_wholeSymbolBySize_objdumpLines() {
        System.arraycopy(ADD3, 0, machine.ram, 0, ADD3.length);
        assertEquals(String.join("\n",
                "ffffffff81000000 <add3+0x0>: 48 01 f7             add    rdi,rsi",
                "ffffffff81000003 <add3+0x3>: 48 8d 04 17          lea    rax,[rdi+rdx*1]",
                "ffffffff81000007 <add3+0x7>: c3                   ret"),
                commands.disasm("add3"));
    }

    @Test
    void testDisasm_countAndBranchTargetsNamed() {
        System.arraycopy(ADD3, 0, machine.ram, 0, ADD3.length);
        assertEquals("ffffffff81000008: eb f6                jmp    ffffffff81000000 <add3>",
                commands.disasm("0xffffffff81000008", 1));
        assertEquals(2, commands.disasm("add3", 2).lines().count());
    }

    @Test
    void testDisasm_unknownSymbolSizeListsSixteen_stopsAtUnmappedMemory() {
        // helper has size 4 but we start inside it at an address no symbol starts at: 16 insns.
        assertEquals(MachineCommands.DEFAULT_DISASM_COUNT, commands.disasm("helper+0x1").lines().count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.disasm("0x1000"));
        assertTrue(e.getMessage().startsWith("cannot read 0x1000"), e.getMessage());
    }
}
