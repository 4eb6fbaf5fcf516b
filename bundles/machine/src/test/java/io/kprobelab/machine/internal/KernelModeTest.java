package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.KernelEntry;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.RunResult;
import io.kprobelab.machine.Trap;
import org.junit.jupiter.api.Test;

/**
 * The system side of the CPU with a hand-made kernel booted through {@link Machine#bootKernel}:
 * IDT delivery with the privilege change (TSS.RSP0, IST), IRETQ to ring 3, SYSCALL/SYSRETQ,
 * a ring-3 #PF with the U bit, the x2APIC timer on virtual time, HLT idling, port I/O.
 *
 * <p>Physical layout (identity mapped, 2 MiB pages): 0x0-0x1fffff supervisor, 0x200000-0x3fffff
 * user. PML4 0x1000, GDT 0x5000 (kernel code 0x08, data 0x10, user data 0x23, user code 0x2b,
 * TSS 0x30), TSS 0x6000 (RSP0 0xa000, IST1 0xc000), IDT 0x7000, results 0x8000, kernel text
 * 0x10000, user text 0x200000. The snippets were assembled with GNU as (Intel syntax); the
 * listing is beside the bytes.
 */
class KernelModeTest {

    static final long RSP0 = 0xa000, IST1 = 0xc000, KTEXT = 0x10000, UTEXT = 0x200000, OUT = 0x8000;

    /** kentry at +0x0. */
    static final String[] KENTRY = {
        "0f 01 1d 79 00 00 00", // 0: lidt [rip+0x79] # 80 <idtr>
        "66 b8 30 00", // 7: mov ax,0x30
        "0f 00 d8", // b: ltr ax
        "b9 80 00 00 c0", // e: mov ecx,0xc0000080
        "0f 32", // 13: rdmsr
        "83 c8 01", // 15: or eax,0x1
        "0f 30", // 18: wrmsr
        "b9 81 00 00 c0", // 1a: mov ecx,0xc0000081
        "31 c0", // 1f: xor eax,eax
        "ba 08 00 18 00", // 21: mov edx,0x180008
        "0f 30", // 26: wrmsr
        "b9 82 00 00 c0", // 28: mov ecx,0xc0000082
        "b8 00 01 01 00", // 2d: mov eax,0x10100
        "31 d2", // 32: xor edx,edx
        "0f 30", // 34: wrmsr
        "b9 84 00 00 c0", // 36: mov ecx,0xc0000084
        "b8 00 77 04 00", // 3b: mov eax,0x47700
        "0f 30", // 40: wrmsr
        "6a 23", // 42: push 0x23
        "68 00 00 21 00", // 44: push 0x210000
        "68 02 02 00 00", // 49: push 0x202
        "6a 2b", // 4e: push 0x2b
        "68 00 00 20 00", // 50: push 0x200000
        "48 cf", // 55: iretq
    };
    /** sysentry at +0x100. */
    static final String[] SYSENTRY = {
        "48 89 04 25 00 80 00 00", // 100: mov QWORD PTR ds:0x8000,rax
        "48 89 0c 25 08 80 00 00", // 108: mov QWORD PTR ds:0x8008,rcx
        "4c 89 1c 25 10 80 00 00", // 110: mov QWORD PTR ds:0x8010,r11
        "9c", // 118: pushf
        "8f 04 25 18 80 00 00", // 119: pop QWORD PTR ds:0x8018
        "48 83 c0 64", // 120: add rax,0x64
        "48 0f 07", // 124: sysretq
    };
    /** int80 at +0x200. */
    static final String[] INT80 = {
        "48 8b 44 24 08", // 200: mov rax,QWORD PTR [rsp+0x8]
        "48 89 04 25 20 80 00 00", // 205: mov QWORD PTR ds:0x8020,rax
        "48 89 24 25 28 80 00 00", // 20d: mov QWORD PTR ds:0x8028,rsp
        "48 8b 44 24 20", // 215: mov rax,QWORD PTR [rsp+0x20]
        "48 89 04 25 30 80 00 00", // 21a: mov QWORD PTR ds:0x8030,rax
        "b8 2a 00 00 00", // 222: mov eax,0x2a
        "48 cf", // 227: iretq
    };
    /** pf at +0x300. */
    static final String[] PF = {
        "48 8b 04 24", // 300: mov rax,QWORD PTR [rsp]
        "48 89 04 25 38 80 00 00", // 304: mov QWORD PTR ds:0x8038,rax
        "0f 20 d0", // 30c: mov rax,cr2
        "48 89 04 25 40 80 00 00", // 30f: mov QWORD PTR ds:0x8040,rax
        "48 8b 44 24 08", // 317: mov rax,QWORD PTR [rsp+0x8]
        "48 89 04 25 48 80 00 00", // 31c: mov QWORD PTR ds:0x8048,rax
        "48 89 24 25 50 80 00 00", // 324: mov QWORD PTR ds:0x8050,rsp
        "66 ba 04 06", // 32c: mov dx,0x604
        "66 b8 00 20", // 330: mov ax,0x2000
        "66 ef", // 334: out dx,ax
    };
    /** user at +0x400. */
    static final String[] USER = {
        "b8 07 00 00 00", // 400: mov eax,0x7
        "0f 05", // 405: syscall
        "48 89 c3", // 407: mov rbx,rax
        "cd 80", // 40a: int 0x80
        "49 89 c4", // 40c: mov r12,rax
        "48 c7 c7 00 80 00 00", // 40f: mov rdi,0x8000
        "48 8b 07", // 416: mov rax,QWORD PTR [rdi]
        "0f 0b", // 419: ud2
    };
    /** tentry at +0x0. */
    static final String[] TENTRY = {
        "0f 01 1d 79 00 00 00", // 0: lidt [rip+0x79] # 80 <idtr>
        "b9 0f 08 00 00", // 7: mov ecx,0x80f
        "b8 ff 01 00 00", // c: mov eax,0x1ff
        "31 d2", // 11: xor edx,edx
        "0f 30", // 13: wrmsr
        "b9 3e 08 00 00", // 15: mov ecx,0x83e
        "b8 0b 00 00 00", // 1a: mov eax,0xb
        "0f 30", // 1f: wrmsr
        "b9 32 08 00 00", // 21: mov ecx,0x832
        "b8 ec 00 02 00", // 26: mov eax,0x200ec
        "0f 30", // 2b: wrmsr
        "b9 38 08 00 00", // 2d: mov ecx,0x838
        "b8 e8 03 00 00", // 32: mov eax,0x3e8
        "0f 30", // 37: wrmsr
        "4d 31 c0", // 39: xor r8,r8
        "fb", // 3c: sti
        "49 ff c0", // 3d: inc r8
        "48 83 3c 25 00 80 00 00 05", // 40: cmp QWORD PTR ds:0x8000,0x5
        "72 f2", // 49: jb 3d <spin>
        "f4", // 4b: hlt
        "48 83 3c 25 00 80 00 00 0a", // 4c: cmp QWORD PTR ds:0x8000,0xa
        "72 f4", // 55: jb 4b <idle>
        "fa", // 57: cli
        "66 ba 04 06", // 58: mov dx,0x604
        "66 b8 00 20", // 5c: mov ax,0x2000
        "66 ef", // 60: out dx,ax
    };
    /** timer at +0x200. */
    static final String[] TIMER = {
        "48 ff 04 25 00 80 00 00", // 200: inc QWORD PTR ds:0x8000
        "0f 31", // 208: rdtsc
        "48 c1 e2 20", // 20a: shl rdx,0x20
        "48 09 d0", // 20e: or rax,rdx
        "48 8b 0c 25 00 80 00 00", // 211: mov rcx,QWORD PTR ds:0x8000
        "48 89 04 cd 00 80 00 00", // 219: mov QWORD PTR [rcx*8+0x8000],rax
        "b9 0b 08 00 00", // 221: mov ecx,0x80b
        "31 c0", // 226: xor eax,eax
        "31 d2", // 228: xor edx,edx
        "0f 30", // 22a: wrmsr
        "48 cf", // 22c: iretq
    };

    /** shadow at +0x0. */
    static final String[] SHADOW = {
        "0f 01 1d 79 00 00 00", // 0: lidt [rip+0x79] # 80 <idtr>
        "b9 0f 08 00 00", // 7: mov ecx,0x80f
        "b8 ff 01 00 00", // c: mov eax,0x1ff
        "31 d2", // 11: xor edx,edx
        "0f 30", // 13: wrmsr
        "b9 32 08 00 00", // 15: mov ecx,0x832
        "b8 ec 00 00 00", // 1a: mov eax,0xec
        "0f 30", // 1f: wrmsr
        "b9 38 08 00 00", // 21: mov ecx,0x838
        "b8 0a 00 00 00", // 26: mov eax,0xa
        "0f 30", // 2b: wrmsr
        "b9 64 00 00 00", // 2d: mov ecx,0x64
        "ff c9", // 32: dec ecx
        "75 fc", // 34: jne 32 <shadow+0x32>
        "fb", // 36: sti
        "f4", // 37: hlt
        "66 ba 04 06", // 38: mov dx,0x604
        "66 b8 00 20", // 3c: mov ax,0x2000
        "66 ef", // 40: out dx,ax
    };
    /** tick at +0x200. */
    static final String[] TICK = {
        "48 8b 04 24", // 200: mov rax,QWORD PTR [rsp]
        "48 89 04 25 00 80 00 00", // 204: mov QWORD PTR ds:0x8000,rax
        "b9 0b 08 00 00", // 20c: mov ecx,0x80b
        "31 c0", // 211: xor eax,eax
        "31 d2", // 213: xor edx,edx
        "0f 30", // 215: wrmsr
        "48 cf", // 217: iretq
    };
    /** wp at +0x300. */
    static final String[] WP = {
        "0f 01 1d 79 fd ff ff", // 300: lidt [rip+0xfffffffffffffd79] # 80 <idtr>
        "48 c7 04 25 00 00 40 00 01 00 00 00", // 307: mov QWORD PTR ds:0x400000,0x1
        "0f 20 c0", // 313: mov rax,cr0
        "0d 00 00 01 00", // 316: or eax,0x10000
        "0f 22 c0", // 31b: mov cr0,rax
        "48 c7 04 25 00 00 40 00 02 00 00 00", // 31e: mov QWORD PTR ds:0x400000,0x2
        "0f 0b", // 32a: ud2
    };
    /** pfrec at +0x400. */
    static final String[] PFREC = {
        "48 8b 04 24", // 400: mov rax,QWORD PTR [rsp]
        "48 89 04 25 00 80 00 00", // 404: mov QWORD PTR ds:0x8000,rax
        "0f 20 d0", // 40c: mov rax,cr2
        "48 89 04 25 08 80 00 00", // 40f: mov QWORD PTR ds:0x8008,rax
        "66 ba 04 06", // 417: mov dx,0x604
        "66 b8 00 20", // 41b: mov ax,0x2000
        "66 ef", // 41f: out dx,ax
    };

    static byte[] hex(String[] lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.replace(" ", ""));
        }
        byte[] b = new byte[sb.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(sb.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static void put(PhysicalMemory pm, long pa, String[] code) {
        byte[] b = hex(code);
        pm.write(pa, b, 0, b.length);
    }

    /** A 64-bit IDT gate (SDM Vol. 3 Figure 6-8). */
    static void gate(PhysicalMemory pm, int vector, long target, int type, int dpl, int ist) {
        long lo = (target & 0xffff) | (0x08L << 16) | ((long) ist << 32) | ((long) type << 40) | ((long) dpl << 45)
                | (1L << 47) | (((target >>> 16) & 0xffff) << 48);
        pm.writeU64(0x7000 + vector * 16L, lo);
        pm.writeU64(0x7000 + vector * 16L + 8, target >>> 32);
    }

    /** Page tables, GDT and TSS; the caller adds code and gates, then boots at {@code entry}. */
    static Machine machine() {
        Machine m = Machines.create(1, 16);
        PhysicalMemory pm = m.physicalMemory();
        pm.zero(0, pm.size());
        pm.writeU64(0x1000, 0x2000 | 7);
        pm.writeU64(0x2000, 0x3000 | 7);
        pm.writeU64(0x3000, 0x000000 | 0x83); // P RW PS, supervisor
        pm.writeU64(0x3008, 0x200000 | 0x87); // P RW US PS
        pm.writeU64(0x5008, 0x00af9a000000ffffL); // kernel code
        pm.writeU64(0x5010, 0x00cf92000000ffffL); // kernel data
        pm.writeU64(0x5018, 0x00cffa000000ffffL); // user code 32 (sysret arithmetic)
        pm.writeU64(0x5020, 0x00cff2000000ffffL); // user data
        pm.writeU64(0x5028, 0x00affa000000ffffL); // user code 64
        long tss = 0x6000;
        pm.writeU64(0x5030, 0x67 | ((tss & 0xffffff) << 16) | (0x89L << 40) | (((tss >>> 24) & 0xff) << 56));
        pm.writeU64(0x5038, tss >>> 32);
        pm.writeU64(tss + 4, RSP0);
        pm.writeU64(tss + 0x24, IST1);
        return m;
    }

    static void boot(Machine m) {
        m.bootKernel(new TestImage(), new KernelEntry(KTEXT, 0xf000, 0, 0x1000, 0x5000, 0x3f, 0));
    }

    static long out(Machine m, int slot) {
        return m.physicalMemory().readU64(OUT + 8L * slot);
    }

    @Test
    void testRing3_syscallSysret_intThroughIdt_pageFaultWithUserBit() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        put(pm, KTEXT, KENTRY);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10); // idtr
        put(pm, KTEXT + 0x100, SYSENTRY);
        put(pm, KTEXT + 0x200, INT80);
        put(pm, KTEXT + 0x300, PF);
        put(pm, UTEXT, USER);
        gate(pm, 14, KTEXT + 0x300, 0xe, 0, 1); // #PF on IST1
        gate(pm, 0x80, KTEXT + 0x200, 0xf, 3, 0); // trap gate callable from ring 3
        boot(m);
        RunResult r = m.runKernel(1_000_000);
        assertTrue(r.poweredOff());
        assertEquals(7, out(m, 0), "rax at syscall entry");
        assertEquals(UTEXT + 7, out(m, 1), "rcx = return address after the 2-byte syscall");
        assertEquals(0x202, out(m, 2), "r11 = user RFLAGS");
        assertEquals(0x2, out(m, 3), "RFLAGS in the kernel: FMASK cleared IF");
        assertEquals(0x2b, out(m, 4), "CS pushed by int 0x80 from ring 3");
        assertEquals(RSP0 - 40, out(m, 5), "int 0x80 runs on TSS.RSP0, frame without error code");
        assertEquals(0x23, out(m, 6), "SS pushed");
        assertEquals(5, out(m, 7), "#PF error code: present, read, user");
        assertEquals(OUT, out(m, 8), "CR2");
        assertEquals(UTEXT + 0x16, out(m, 9), "#PF saved RIP is the faulting instruction");
        assertEquals(IST1 - 48, out(m, 10), "#PF on IST1 with an error code");
        assertEquals(107, m.vcpu(0).regs().get(Reg.RBX), "sysretq returned rax+100 to ring 3");
        assertEquals(42, m.vcpu(0).regs().get(Reg.R12), "iretq returned to ring 3 with rax=42");
        assertEquals(0x08, m.vcpu(0).regs().get(Reg.CS));
        assertEquals(1, m.trapCount(Trap.PF));
        assertEquals(1, m.trapCount(0x80));
    }

    @Test
    void testUnhandledTrapWithoutGate_becomesDoubleFault_thenTripleFaultResets() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        put(pm, KTEXT, KENTRY);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        put(pm, KTEXT + 0x100, SYSENTRY);
        put(pm, UTEXT, USER); // int 0x80 has no gate: #NP, then #DF (no gate either): triple fault
        boot(m);
        // a triple fault resets the processor (SDM Vol. 3 §6.15): the run ends as a reset, with
        // the trap counts showing the #DF that led to it
        RunResult r = m.runKernel(1_000_000);
        assertTrue(r.poweredOff() && r.reset(), r.toString());
        assertEquals(1, m.trapCount(Trap.DF));
        assertEquals(107, m.vcpu(0).regs().get(Reg.RBX), "the syscall before it worked");
    }

    @Test
    void testTimer_periodicOnRetiredInstructions_hltIdlesToTheNextTick() {
        long[] first = null;
        for (int run = 0; run < 2; run++) {
            Machine m = machine();
            PhysicalMemory pm = m.physicalMemory();
            put(pm, KTEXT, TENTRY);
            pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
            put(pm, KTEXT + 0x200, TIMER);
            gate(pm, 0xec, KTEXT + 0x200, 0xe, 0, 0);
            boot(m);
            RunResult r = m.runKernel(10_000_000);
            assertTrue(r.poweredOff());
            assertEquals(10, out(m, 0), "ticks");
            long[] tsc = new long[11];
            for (int k = 1; k <= 10; k++) {
                tsc[k] = out(m, k);
                if (k > 1) {
                    assertEquals(1000, tsc[k] - tsc[k - 1], "tick " + k + " exactly one period after the last");
                }
            }
            assertTrue(m.vcpu(0).regs().get(Reg.R8) > 100, "the loop ran between ticks");
            assertEquals(10, m.trapCount(0xec));
            // 5 ticks spinning, then 5 idle in hlt: virtual time still advanced by 10 periods
            assertTrue(r.retired() >= 10_000 && r.retired() < 11_000, "retired " + r.retired());
            if (first == null) {
                first = new long[] {r.retired(), tsc[1]};
            } else {
                assertEquals(first[0], r.retired(), "deterministic");
                assertEquals(first[1], tsc[1], "deterministic");
            }
        }
    }

    @Test
    void testRunKernel_sliceEndsAtTheLimit_andResumes() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        put(pm, KTEXT, TENTRY);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        put(pm, KTEXT + 0x200, TIMER);
        gate(pm, 0xec, KTEXT + 0x200, 0xe, 0, 0);
        boot(m);
        RunResult a = m.runKernel(3_500);
        assertFalse(a.poweredOff());
        assertEquals(3_500, a.retired());
        assertEquals(3, out(m, 0));
        RunResult b = m.runKernel(10_000_000);
        assertTrue(b.poweredOff());
        assertEquals(10, out(m, 0));
    }

    @Test
    void testStiShadow_interruptPendingAtSti_isTakenAfterTheHlt() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        put(pm, KTEXT, SHADOW);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        put(pm, KTEXT + 0x200, TICK);
        gate(pm, 0xec, KTEXT + 0x200, 0xe, 0, 0);
        boot(m);
        // one-shot timer of 10 expires during the IF=0 loop; "sti; hlt": the interrupt comes after
        // the hlt retires (SDM Vol. 3 §6.8.3), so the saved RIP is past it and the run powers off
        RunResult r = m.runKernel(100_000);
        assertTrue(r.poweredOff());
        assertEquals(KTEXT + 0x38, out(m, 0), "saved RIP: after the hlt at 0x37");
    }

    @Test
    void testCr0Wp_supervisorWriteToReadOnlyPage_faultsOnlyOnceWpIsSet() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        pm.writeU64(0x3010, 0x400000 | 0x81); // 2 MiB, present, read-only, supervisor
        put(pm, KTEXT + 0x300, WP);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        put(pm, KTEXT + 0x400, PFREC);
        gate(pm, 14, KTEXT + 0x400, 0xe, 0, 0);
        m.bootKernel(new TestImage(), new KernelEntry(KTEXT + 0x300, 0xf000, 0, 0x1000, 0x5000, 0x3f, 0));
        assertTrue(m.runKernel(100_000).poweredOff());
        assertEquals(1, pm.readU64(0x400000), "the write with WP=0 went through");
        assertEquals(3, out(m, 0), "#PF error: present, write, supervisor");
        assertEquals(0x400000, out(m, 1), "CR2");
    }

    @Test
    void testFaultWhileDeliveringIntN_isDeliveredAsThatFault_atTheIntInstruction() {
        Machine m = machine();
        PhysicalMemory pm = m.physicalMemory();
        pm.writeU64(0x6000 + 4, 0x600000); // TSS.RSP0 in unmapped memory
        put(pm, KTEXT, KENTRY);
        pm.write(KTEXT + 0x80, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        put(pm, KTEXT + 0x100, SYSENTRY);
        put(pm, KTEXT + 0x200, INT80);
        put(pm, KTEXT + 0x300, PF);
        put(pm, UTEXT, USER);
        gate(pm, 14, KTEXT + 0x300, 0xe, 0, 1);
        gate(pm, 0x80, KTEXT + 0x200, 0xf, 3, 0);
        boot(m);
        assertTrue(m.runKernel(1_000_000).poweredOff());
        assertEquals(2, out(m, 7), "#PF error code: not present, write, supervisor (the CPU's own push)");
        assertEquals(0x600000 - 8, out(m, 8), "CR2: the first push of the frame");
        assertEquals(UTEXT + 0xa, out(m, 9), "saved RIP: the int 0x80 itself");
        assertEquals(0, out(m, 4), "the int 0x80 handler never ran");
        assertEquals(1, m.trapCount(Trap.PF));
        assertEquals(0, m.trapCount(Trap.DF));
    }
}
