package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.internal.NativeOracle.Case;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the host oracle cannot show (it runs in a Linux process with SSE enabled): SSE
 * availability by CR0/CR4 (SDM Vol. 3A Table 13-1) in bare mode and in a booted kernel, with
 * the #UD, #NM and alignment #GP delivered through the guest IDT; CLTS; CPUID; the XMM state
 * kept across a nested call; unmasked SIMD floating-point exceptions as #XM (through the IDT,
 * and as an oops in bare mode) or, without CR4.OSXMMEXCPT, as #UD.
 */
class SseSystemTest {

    /** Assembles Intel-syntax snippets (';'-separated lines) with GNU as. */
    static List<byte[]> assemble(String... snippets) throws Exception {
        List<Case> cs = new ArrayList<>();
        for (String s : snippets) {
            cs.add(new Case(s, new long[16], 0, 0));
        }
        NativeOracle.assemble(cs);
        List<byte[]> out = new ArrayList<>();
        for (Case c : cs) {
            out.add(c.code);
        }
        return out;
    }

    static int[] ints(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i] & 0xff;
        }
        return r;
    }

    static Machine bare(TestImage img) {
        Machine m = Machines.create(1, 16);
        m.loadBare(img);
        return m;
    }

    // ------------------------------------------------------------------ bare mode

    @Test
    void testBareMode_enablesSseLikeLinux_andCpuidSaysSo() throws Exception {
        TestImage img = new TestImage();
        List<byte[]> code = assemble(
                "movq xmm3, rdi; movq xmm9, rsi; paddq xmm3, xmm9; pshufd xmm4, xmm3, 0x4e; por xmm4, xmm3; movq rax, xmm4; ret",
                "mov eax, 1; cpuid; mov eax, edx; ret");
        img.function("sum", ints(code.get(0)));
        img.function("features", ints(code.get(1)));
        Machine m = bare(img);
        assertEquals(0x620, m.vcpu(0).regs().get(Reg.CR4), "PAE | OSFXSR | OSXMMEXCPT");
        assertEquals(42, m.call("sum", 40, 2).rax());
        long edx = m.call("features").rax();
        assertEquals(3L << 25, edx & (3L << 25), "CPUID.1:EDX SSE and SSE2");
    }

    /** Handlers and tools see the XMM state: PtRegs.xmm, and the oops report's nonzero XMM lines. */
    @Test
    void testXmmState_isVisibleThroughPtRegs_andInTheOopsReport() throws Exception {
        TestImage img = new TestImage();
        List<byte[]> code = assemble("movq xmm3, rdi; pcmpeqd xmm7, xmm7; ret", "movq xmm5, rdi; ud2");
        img.function("set", ints(code.get(0)));
        img.function("die", ints(code.get(1)));
        Machine m = bare(img);
        m.call("set", 42);
        PtRegs r = m.vcpu(0).regs();
        assertEquals(42, r.xmm(3, false));
        assertEquals(0, r.xmm(3, true));
        assertEquals(-1L, r.xmm(7, false));
        assertEquals(-1L, r.xmm(7, true));
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("die", 0x2a));
        assertTrue(o.report().contains("XMM5: 0000000000000000 000000000000002a\n"), o.report());
        assertTrue(o.report().contains("XMM7: ffffffffffffffff ffffffffffffffff\n"), o.report());
        assertTrue(!o.report().contains("XMM0:"), "zero registers are left out:\n" + o.report());
    }

    @Test
    void testOsfxsrClear_raisesUdNamingTheBytesAndWhy_andChangesNothing() throws Exception {
        TestImage img = new TestImage();
        img.function("sse", ints(assemble("mov eax, 7; pxor xmm1, xmm2; ret").get(0)));
        Machine m = bare(img);
        m.vcpu(0).regs().set(Reg.CR4, 0x20);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("sse"));
        assertEquals(Trap.UD, o.trap().vector());
        assertTrue(o.trap().message().contains("66 0f ef ca"), o.trap().message());
        assertTrue(o.trap().message().contains("CR4.OSFXSR=0"), o.trap().message());
        assertTrue(o.report().contains("RIP: sse+0x5"), o.report());
    }

    @Test
    void testCr0Em_raisesUd_evenWithTs() throws Exception {
        TestImage img = new TestImage();
        img.function("sse", ints(assemble("movdqa xmm0, xmm1; ret").get(0)));
        Machine m = bare(img);
        long cr0 = m.vcpu(0).regs().get(Reg.CR0);
        m.vcpu(0).regs().set(Reg.CR0, cr0 | Cpu.CR0_EM | Cpu.CR0_TS);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("sse"));
        assertEquals(Trap.UD, o.trap().vector());
        assertTrue(o.trap().message().contains("CR0.EM=1"), o.trap().message());
    }

    @Test
    void testCr0Ts_raisesNm_andCltsClearsIt() throws Exception {
        TestImage img = new TestImage();
        List<byte[]> code = assemble("movd xmm0, edi; movd eax, xmm0; ret", "clts; movd xmm0, edi; movd eax, xmm0; ret");
        img.function("sse", ints(code.get(0)));
        img.function("cltsThenSse", ints(code.get(1)));
        Machine m = bare(img);
        long cr0 = m.vcpu(0).regs().get(Reg.CR0);
        m.vcpu(0).regs().set(Reg.CR0, cr0 | Cpu.CR0_TS);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("sse", 5));
        assertEquals(Trap.NM, o.trap().vector());
        assertTrue(o.report().contains("RIP: sse+0x0"), o.report());
        assertEquals(5, m.call("cltsThenSse", 5).rax());
        assertEquals(cr0, m.vcpu(0).regs().get(Reg.CR0), "TS cleared, nothing else");
    }

    @Test
    void testNestedCallFromTrapSink_keepsTheInterruptedXmmState() throws Exception {
        TestImage img = new TestImage();
        List<byte[]> code = assemble("movq xmm0, rdi; movq xmm15, rdi; int3; paddq xmm0, xmm15; movq rax, xmm0; ret",
                "pcmpeqd xmm0, xmm0; pxor xmm15, xmm15; mov eax, 1; ret");
        img.function("outer", ints(code.get(0)));
        img.function("clobber", ints(code.get(1)));
        Machine m = bare(img);
        m.setTrapSink((cpu, t) -> {
            if (t.vector() != Trap.BP) {
                return false;
            }
            assertEquals(1, cpu.machine().call("clobber").rax());
            return true;
        });
        assertEquals(2 * 0x123456789L, m.call("outer", 0x123456789L).rax());
    }

    /**
     * An unmasked SIMD floating-point exception in bare mode (CR4.OSXMMEXCPT set, as Linux sets
     * it) is #XM, vector 19, at the instruction, with the flag set in MXCSR and the destination
     * unchanged (SDM Vol. 3 §6.15 interrupt 19); the oops names the exception.
     */
    @Test
    void testUnmaskedException_raisesXm_atTheInstruction_destinationUnchanged() throws Exception {
        TestImage img = new TestImage();
        // MXCSR 0x1d80: ZM clear; 1.0 / 0.0
        List<byte[]> code = assemble("mov dword ptr [rsp-8], 0x1d80; ldmxcsr dword ptr [rsp-8]; mov eax, 0x3f800000;"
                + " movd xmm0, eax; xorps xmm1, xmm1; divss xmm0, xmm1; ret");
        img.function("divide", ints(code.get(0)));
        Machine m = bare(img);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("divide"));
        assertEquals(Trap.XM, o.trap().vector());
        assertTrue(o.trap().message().contains("unmasked SIMD floating-point exception ZE (MXCSR 0x1d84)"), o.trap().message());
        assertTrue(o.report().contains("RIP: divide+0x" + Integer.toHexString(code.get(0).length - 5)), o.report());
        assertEquals(0x3f800000L, m.vcpu(0).regs().xmm(0, false), "the destination keeps the dividend");
    }

    /** The same without CR4.OSXMMEXCPT: #UD instead of #XM (SDM Vol. 1 §11.5.3.2 step 2), flags set all the same. */
    @Test
    void testUnmaskedException_withoutOsxmmexcpt_raisesUd() throws Exception {
        TestImage img = new TestImage();
        // MXCSR 0x1f00: IM clear; sqrt(-1)
        List<byte[]> code = assemble("mov dword ptr [rsp-8], 0x1f00; ldmxcsr dword ptr [rsp-8]; mov eax, 0xbf800000;"
                + " movd xmm1, eax; sqrtss xmm0, xmm1; stmxcsr dword ptr [rsp-8]; ret");
        img.function("root", ints(code.get(0)));
        Machine m = bare(img);
        m.vcpu(0).regs().set(Reg.CR4, 0x20 | Cpu.CR4_OSFXSR);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("root"));
        assertEquals(Trap.UD, o.trap().vector());
        assertTrue(o.trap().message().contains("unmasked SIMD floating-point exception IE (MXCSR 0x1f01), CR4.OSXMMEXCPT=0"),
                o.trap().message());
        assertEquals(0, m.vcpu(0).regs().xmm(0, false), "sqrtss wrote nothing");
    }

    // ------------------------------------------------------------------ a booted kernel

    /**
     * A booted kernel with OSFXSR|OSXMMEXCPT takes #XM through its IDT gate 19, without an error
     * code, with RIP at the DIVSS; its handler reads MXCSR (ZE set), masks ZE and returns, and
     * the DIVSS runs again and gives +inf.
     */
    @Test
    void testKernel_xmThroughTheIdt_handlerMasksAndTheInstructionRetries() throws Exception {
        List<byte[]> code = assemble(
                // kentry (KTEXT): 0x8010 the result, then power off
                "lidt [rip+idtr]; mov rax, cr4; or rax, 0x600; mov cr4, rax; mov dword ptr [0x8030], 0x1d80;"
                        + " ldmxcsr dword ptr [0x8030]; mov eax, 0x3f800000; movd xmm0, eax; xorps xmm1, xmm1;"
                        + " divss xmm0, xmm1; movd eax, xmm0; mov qword ptr [0x8010], rax;"
                        + " mov dx, 0x604; mov ax, 0x2000; out dx, ax; idtr: .word 0xfff; .quad 0x7000",
                // #XM handler (KTEXT + 0x200): count, saved RIP, MXCSR; then mask every exception
                "push rax; inc qword ptr [0x8000]; mov rax, qword ptr [rsp+8]; mov qword ptr [0x8008], rax;"
                        + " stmxcsr dword ptr [0x8018]; mov dword ptr [0x8030], 0x1f80; ldmxcsr dword ptr [0x8030]; pop rax; iretq",
                // the same start, to find the divss
                "lidt [rip+idtr2]; mov rax, cr4; or rax, 0x600; mov cr4, rax; mov dword ptr [0x8030], 0x1d80;"
                        + " ldmxcsr dword ptr [0x8030]; mov eax, 0x3f800000; movd xmm0, eax; xorps xmm1, xmm1; idtr2:");
        Machine m = KernelModeTest.machine();
        PhysicalMemory pm = m.physicalMemory();
        long ktext = KernelModeTest.KTEXT;
        pm.write(ktext, code.get(0), 0, code.get(0).length);
        pm.write(ktext + 0x200, code.get(1), 0, code.get(1).length);
        KernelModeTest.gate(pm, Trap.XM, ktext + 0x200, 0xe, 0, 0);
        KernelModeTest.boot(m);
        assertTrue(m.runKernel(100_000).poweredOff());
        assertEquals(1, KernelModeTest.out(m, 0), "one #XM");
        assertEquals(ktext + code.get(2).length, KernelModeTest.out(m, 1), "#XM at the divss, no error code pushed");
        assertEquals(0x1d84, KernelModeTest.out(m, 3) & 0xffffffffL, "MXCSR in the handler: ZE set, ZM clear");
        assertEquals(0x7f800000L, KernelModeTest.out(m, 2), "divss ran again once masked: +inf");
        assertEquals(1, m.trapCount(Trap.XM));
    }

    /**
     * A kernel booted with CR4.OSFXSR clear (as the guest kernel runs): its first SSE
     * instruction raises #UD through the IDT; the handler sets OSFXSR|OSXMMEXCPT and returns to
     * it, and it runs. With CR0.TS set the next raises #NM, whose handler clears TS with CLTS.
     * A misaligned MOVDQA raises #GP(0), which the handler skips.
     */
    @Test
    void testKernel_udUntilOsfxsr_nmWhileTs_gpWhenMisaligned() throws Exception {
        List<byte[]> code = assemble(
                // kentry (KTEXT): 0x8030 result, 0x8038 CR4 at the end
                "lidt [rip+idtr]; mov eax, 5; movq xmm1, rax; paddq xmm1, xmm1; mov rax, cr0; or rax, 8; mov cr0, rax;"
                        + "paddq xmm1, xmm1; movq rax, xmm1; mov qword ptr [0x8030], rax;"
                        + "mov ebx, 0x9000; movdqa xmm2, xmmword ptr [rbx+1]; mov rax, cr4; mov qword ptr [0x8038], rax;"
                        + "mov dx, 0x604; mov ax, 0x2000; out dx, ax; idtr: .word 0xfff; .quad 0x7000",
                // #UD handler (KTEXT + 0x200): count, saved RIP, enable SSE
                "push rax; inc qword ptr [0x8000]; mov rax, qword ptr [rsp+8]; mov qword ptr [0x8008], rax;"
                        + "mov rax, cr4; or rax, 0x600; mov cr4, rax; pop rax; iretq",
                // #NM handler (KTEXT + 0x300)
                "push rax; inc qword ptr [0x8010]; mov rax, qword ptr [rsp+8]; mov qword ptr [0x8018], rax; clts;"
                        + "pop rax; iretq",
                // #GP handler (KTEXT + 0x400): error code, RIP, skip the 5-byte movdqa
                "push rax; mov rax, qword ptr [rsp+8]; mov qword ptr [0x8020], rax; mov rax, qword ptr [rsp+16];"
                        + "mov qword ptr [0x8028], rax; add qword ptr [rsp+16], 5; pop rax; add rsp, 8; iretq",
                "mov eax, 5; movq xmm1, rax", // to find the RIP of the first SSE instruction
                "mov eax, 5; movq xmm1, rax; paddq xmm1, xmm1; mov rax, cr0; or rax, 8; mov cr0, rax",
                "mov eax, 5; movq xmm1, rax; paddq xmm1, xmm1; mov rax, cr0; or rax, 8; mov cr0, rax;"
                        + "paddq xmm1, xmm1; movq rax, xmm1; mov qword ptr [0x8030], rax; mov ebx, 0x9000");
        Machine m = KernelModeTest.machine();
        PhysicalMemory pm = m.physicalMemory();
        long ktext = KernelModeTest.KTEXT;
        pm.write(ktext, code.get(0), 0, code.get(0).length);
        for (int h = 1; h <= 3; h++) {
            pm.write(ktext + 0x100 + 0x100L * h, code.get(h), 0, code.get(h).length);
        }
        KernelModeTest.gate(pm, Trap.UD, ktext + 0x200, 0xe, 0, 0);
        KernelModeTest.gate(pm, Trap.NM, ktext + 0x300, 0xe, 0, 0);
        KernelModeTest.gate(pm, Trap.GP, ktext + 0x400, 0xe, 0, 0);
        KernelModeTest.boot(m);
        assertEquals(0x20, m.vcpu(0).regs().get(Reg.CR4), "a booted kernel starts without OSFXSR");
        assertTrue(m.runKernel(100_000).poweredOff());
        long lidt = 7; // lidt [rip+disp32]
        long firstSse = ktext + lidt + code.get(4).length - 5; // movq xmm1, rax is 5 bytes (66 48 0f 6e c8)
        assertEquals(1, KernelModeTest.out(m, 0), "one #UD");
        assertEquals(firstSse, KernelModeTest.out(m, 1), "#UD at the first SSE instruction");
        assertEquals(1, KernelModeTest.out(m, 2), "one #NM");
        assertEquals(ktext + lidt + code.get(5).length, KernelModeTest.out(m, 3), "#NM at the paddq after CR0.TS was set");
        assertEquals(20, KernelModeTest.out(m, 6), "both paddq ran once");
        assertEquals(0, KernelModeTest.out(m, 4), "#GP error code 0");
        assertEquals(ktext + lidt + code.get(6).length, KernelModeTest.out(m, 5), "#GP at the misaligned movdqa");
        assertEquals(0x620, KernelModeTest.out(m, 7), "CR4 as the #UD handler set it");
        assertEquals(1, m.trapCount(Trap.UD));
        assertEquals(1, m.trapCount(Trap.NM));
        assertEquals(1, m.trapCount(Trap.GP));
    }
}
