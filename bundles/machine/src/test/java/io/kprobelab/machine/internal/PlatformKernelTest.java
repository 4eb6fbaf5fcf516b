package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.KernelEntry;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.RunResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The PC platform end to end, with hand-made ring-0 kernels booted as a PC firmware leaves the
 * machine (the local APIC in xAPIC mode with LINT0 as the 8259's virtual wire): the 8254's IRQ 0
 * through the 8259 and LINT0 into the IDT at the virtual time the 8254's data sheet gives (and
 * with the APIC globally disabled, and not at all with LINT0 masked); the local APIC through its
 * MMIO page (version, SVR, TPR holding back the timer's vector, the one-shot timer, IRR/ISR
 * read-back, EOI, a self IPI through the ICR); and the 16550's receive interrupt for host input
 * accepted at a slice boundary.
 *
 * <p>Layout as {@link KernelModeTest}, plus the APIC page identity-mapped at 0xfee00000 (PDPT[3]
 * to a PD at 0x4000). Results at 0x8000; IDTR at 0x10080 (limit 0xfff, base 0x7000).
 */
class PlatformKernelTest {

    /** pitentry at +0x10000. */
    static final String[] PITENTRY = {
        "0f 01 1c 25 80 00 01 00", // 10000: lidt ds:0x10080
        "b0 ff", // 10008: mov al,0xff
        "e6 21", // 1000a: out 0x21,al
        "b0 11", // 1000c: mov al,0x11
        "e6 20", // 1000e: out 0x20,al
        "b0 30", // 10010: mov al,0x30
        "e6 21", // 10012: out 0x21,al
        "b0 04", // 10014: mov al,0x4
        "e6 21", // 10016: out 0x21,al
        "b0 01", // 10018: mov al,0x1
        "e6 21", // 1001a: out 0x21,al
        "b0 11", // 1001c: mov al,0x11
        "e6 a0", // 1001e: out 0xa0,al
        "b0 38", // 10020: mov al,0x38
        "e6 a1", // 10022: out 0xa1,al
        "b0 02", // 10024: mov al,0x2
        "e6 a1", // 10026: out 0xa1,al
        "b0 01", // 10028: mov al,0x1
        "e6 a1", // 1002a: out 0xa1,al
        "b0 fe", // 1002c: mov al,0xfe
        "e6 21", // 1002e: out 0x21,al
        "b0 ff", // 10030: mov al,0xff
        "e6 a1", // 10032: out 0xa1,al
        "48 8b 04 25 88 80 00 00", // 10034: mov rax,QWORD PTR ds:0x8088
        "48 85 c0", // 1003c: test rax,rax
        "74 02", // 1003f: je 0x10043
        "ff d0", // 10041: call rax
        "b0 34", // 10043: mov al,0x34
        "e6 43", // 10045: out 0x43,al
        "b0 e8", // 10047: mov al,0xe8
        "e6 40", // 10049: out 0x40,al
        "b0 03", // 1004b: mov al,0x3
        "e6 40", // 1004d: out 0x40,al
        "0f 31", // 1004f: rdtsc
        "89 04 25 80 80 00 00", // 10051: mov DWORD PTR ds:0x8080,eax
        "fb", // 10058: sti
        "f4", // 10059: hlt
        "48 83 3c 25 00 80 00 00 03", // 1005a: cmp QWORD PTR ds:0x8000,0x3
        "72 f4", // 10063: jb 0x10059
        "fa", // 10065: cli
        "b0 30", // 10066: mov al,0x30
        "e6 43", // 10068: out 0x43,al
        "66 ba 04 06", // 1006a: mov dx,0x604
        "66 b8 00 20", // 1006e: mov ax,0x2000
        "66 ef", // 10072: out dx,ax
    };
    /** irq0 at +0x10200. */
    static final String[] IRQ0 = {
        "50", // 10200: push rax
        "52", // 10201: push rdx
        "0f 31", // 10202: rdtsc
        "48 8b 14 25 00 80 00 00", // 10204: mov rdx,QWORD PTR ds:0x8000
        "48 ff c2", // 1020c: inc rdx
        "48 89 14 25 00 80 00 00", // 1020f: mov QWORD PTR ds:0x8000,rdx
        "89 04 d5 00 80 00 00", // 10217: mov DWORD PTR [rdx*8+0x8000],eax
        "b0 20", // 1021e: mov al,0x20
        "e6 20", // 10220: out 0x20,al
        "5a", // 10222: pop rdx
        "58", // 10223: pop rax
        "48 cf", // 10224: iretq
    };
    /** apicoff at +0x10400. */
    static final String[] APICOFF = {
        "b9 1b 00 00 00", // 10400: mov ecx,0x1b
        "0f 32", // 10405: rdmsr
        "25 ff f7 ff ff", // 10407: and eax,0xfffff7ff
        "0f 30", // 1040c: wrmsr
        "c3", // 1040e: ret
    };
    /** lint0mask at +0x10480. */
    static final String[] LINT0MASK = {
        "b8 50 03 e0 fe", // 10480: mov eax,0xfee00350
        "c7 00 00 07 01 00", // 10485: mov DWORD PTR [rax],0x10700
        "c3", // 1048b: ret
    };
    /** apicentry at +0x11000. */
    static final String[] APICENTRY = {
        "0f 01 1c 25 80 00 01 00", // 11000: lidt ds:0x10080
        "bb 00 00 e0 fe", // 11008: mov ebx,0xfee00000
        "8b 43 30", // 1100d: mov eax,DWORD PTR [rbx+0x30]
        "89 04 25 90 80 00 00", // 11010: mov DWORD PTR ds:0x8090,eax
        "8b 43 20", // 11017: mov eax,DWORD PTR [rbx+0x20]
        "89 04 25 98 80 00 00", // 1101a: mov DWORD PTR ds:0x8098,eax
        "c7 83 f0 00 00 00 ff 01 00 00", // 11021: mov DWORD PTR [rbx+0xf0],0x1ff
        "c7 83 e0 03 00 00 0b 00 00 00", // 1102b: mov DWORD PTR [rbx+0x3e0],0xb
        "c7 83 20 03 00 00 40 00 00 00", // 11035: mov DWORD PTR [rbx+0x320],0x40
        "c7 83 80 00 00 00 40 00 00 00", // 1103f: mov DWORD PTR [rbx+0x80],0x40
        "fb", // 11049: sti
        "e6 80", // 1104a: out 0x80,al
        "c7 83 80 03 00 00 f4 01 00 00", // 1104c: mov DWORD PTR [rbx+0x380],0x1f4
        "0f 31", // 11056: rdtsc
        "89 04 25 a0 80 00 00", // 11058: mov DWORD PTR ds:0x80a0,eax
        "b9 e8 03 00 00", // 1105f: mov ecx,0x3e8
        "ff c9", // 11064: dec ecx
        "75 fc", // 11066: jne 0x11064
        "8b 83 20 02 00 00", // 11068: mov eax,DWORD PTR [rbx+0x220]
        "89 04 25 b8 80 00 00", // 1106e: mov DWORD PTR ds:0x80b8,eax
        "8b 83 90 03 00 00", // 11075: mov eax,DWORD PTR [rbx+0x390]
        "89 04 25 bc 80 00 00", // 1107b: mov DWORD PTR ds:0x80bc,eax
        "0f 31", // 11082: rdtsc
        "89 04 25 a8 80 00 00", // 11084: mov DWORD PTR ds:0x80a8,eax
        "c7 83 80 00 00 00 00 00 00 00", // 1108b: mov DWORD PTR [rbx+0x80],0x0
        "e6 80", // 11095: out 0x80,al
        "0f 31", // 11097: rdtsc
        "89 04 25 c8 80 00 00", // 11099: mov DWORD PTR ds:0x80c8,eax
        "c7 83 00 03 00 00 50 00 04 00", // 110a0: mov DWORD PTR [rbx+0x300],0x40050
        "e6 80", // 110aa: out 0x80,al
        "fa", // 110ac: cli
        "66 ba 04 06", // 110ad: mov dx,0x604
        "66 b8 00 20", // 110b1: mov ax,0x2000
        "66 ef", // 110b5: out dx,ax
    };
    /** apictimer at +0x11200. */
    static final String[] APICTIMER = {
        "50", // 11200: push rax
        "52", // 11201: push rdx
        "0f 31", // 11202: rdtsc
        "89 04 25 b0 80 00 00", // 11204: mov DWORD PTR ds:0x80b0,eax
        "ba 00 00 e0 fe", // 1120b: mov edx,0xfee00000
        "8b 82 20 01 00 00", // 11210: mov eax,DWORD PTR [rdx+0x120]
        "89 04 25 d0 80 00 00", // 11216: mov DWORD PTR ds:0x80d0,eax
        "c7 82 b0 00 00 00 00 00 00 00", // 1121d: mov DWORD PTR [rdx+0xb0],0x0
        "5a", // 11227: pop rdx
        "58", // 11228: pop rax
        "48 cf", // 11229: iretq
    };
    /** apicipi at +0x11300. */
    static final String[] APICIPI = {
        "50", // 11300: push rax
        "52", // 11301: push rdx
        "0f 31", // 11302: rdtsc
        "89 04 25 c0 80 00 00", // 11304: mov DWORD PTR ds:0x80c0,eax
        "ba 00 00 e0 fe", // 1130b: mov edx,0xfee00000
        "c7 82 b0 00 00 00 00 00 00 00", // 11310: mov DWORD PTR [rdx+0xb0],0x0
        "5a", // 1131a: pop rdx
        "58", // 1131b: pop rax
        "48 cf", // 1131c: iretq
    };
    /** serialentry at +0x12000. */
    static final String[] SERIALENTRY = {
        "0f 01 1c 25 80 00 01 00", // 12000: lidt ds:0x10080
        "b0 11", // 12008: mov al,0x11
        "e6 20", // 1200a: out 0x20,al
        "b0 30", // 1200c: mov al,0x30
        "e6 21", // 1200e: out 0x21,al
        "b0 04", // 12010: mov al,0x4
        "e6 21", // 12012: out 0x21,al
        "b0 01", // 12014: mov al,0x1
        "e6 21", // 12016: out 0x21,al
        "b0 ef", // 12018: mov al,0xef
        "e6 21", // 1201a: out 0x21,al
        "66 ba fb 03", // 1201c: mov dx,0x3fb
        "b0 03", // 12020: mov al,0x3
        "ee", // 12022: out dx,al
        "66 ba fa 03", // 12023: mov dx,0x3fa
        "b0 01", // 12027: mov al,0x1
        "ee", // 12029: out dx,al
        "66 ba f9 03", // 1202a: mov dx,0x3f9
        "b0 01", // 1202e: mov al,0x1
        "ee", // 12030: out dx,al
        "66 ba f8 03", // 12031: mov dx,0x3f8
        "b0 6f", // 12035: mov al,0x6f
        "ee", // 12037: out dx,al
        "fb", // 12038: sti
        "f4", // 12039: hlt
        "48 83 3c 25 00 80 00 00 02", // 1203a: cmp QWORD PTR ds:0x8000,0x2
        "72 f4", // 12043: jb 0x12039
        "fa", // 12045: cli
        "66 ba 04 06", // 12046: mov dx,0x604
        "66 b8 00 20", // 1204a: mov ax,0x2000
        "66 ef", // 1204e: out dx,ax
    };
    /** irq4 at +0x12200. */
    static final String[] IRQ4 = {
        "50", // 12200: push rax
        "52", // 12201: push rdx
        "0f 31", // 12202: rdtsc
        "89 04 25 20 80 00 00", // 12204: mov DWORD PTR ds:0x8020,eax
        "66 ba fd 03", // 1220b: mov dx,0x3fd
        "ec", // 1220f: in al,dx
        "a8 01", // 12210: test al,0x1
        "74 20", // 12212: je 0x12234
        "66 ba f8 03", // 12214: mov dx,0x3f8
        "ec", // 12218: in al,dx
        "48 8b 14 25 00 80 00 00", // 12219: mov rdx,QWORD PTR ds:0x8000
        "88 82 10 80 00 00", // 12221: mov BYTE PTR [rdx+0x8010],al
        "48 ff c2", // 12227: inc rdx
        "48 89 14 25 00 80 00 00", // 1222a: mov QWORD PTR ds:0x8000,rdx
        "eb d7", // 12232: jmp 0x1220b
        "b0 20", // 12234: mov al,0x20
        "e6 20", // 12236: out 0x20,al
        "5a", // 12238: pop rdx
        "58", // 12239: pop rax
        "48 cf", // 1223a: iretq
    };

    static final long OUT = 0x8000;

    Machine machine(long entry) {
        Machine m = KernelModeTest.machine();
        PhysicalMemory pm = m.physicalMemory();
        pm.writeU64(0x2000 + 3 * 8, 0x4000 | 7);
        pm.writeU64(0x4000 + 0x1f7 * 8, 0xfee00000L | 0x83 | 0x10); // 2 MiB, P RW PS PCD
        pm.write(0x10080, new byte[] {(byte) 0xff, 0x0f, 0, 0x70, 0, 0, 0, 0, 0, 0}, 0, 10);
        KernelModeTest.put(pm, 0x10000, PITENTRY);
        KernelModeTest.put(pm, 0x10200, IRQ0);
        KernelModeTest.put(pm, 0x10400, APICOFF);
        KernelModeTest.put(pm, 0x10480, LINT0MASK);
        KernelModeTest.put(pm, 0x11000, APICENTRY);
        KernelModeTest.put(pm, 0x11200, APICTIMER);
        KernelModeTest.put(pm, 0x11300, APICIPI);
        KernelModeTest.put(pm, 0x12000, SERIALENTRY);
        KernelModeTest.put(pm, 0x12200, IRQ4);
        KernelModeTest.gate(pm, 0x30, 0x10200, 0xe, 0, 0);
        KernelModeTest.gate(pm, 0x34, 0x12200, 0xe, 0, 0);
        KernelModeTest.gate(pm, 0x40, 0x11200, 0xe, 0, 0);
        KernelModeTest.gate(pm, 0x50, 0x11300, 0xe, 0, 0);
        m.bootKernel(new TestImage(), new KernelEntry(entry, 0xf000, 0, 0x1000, 0x5000, 0x3f, 0, false, 0, 0));
        return m;
    }

    static long u32(Machine m, long pa) {
        return m.physicalMemory().readU32(pa) & 0xffffffffL;
    }

    /** The three IRQ 0 ticks of a mode-2 count of 1000 written at retired count w, as the handler's RDTSC sees them. */
    static long[] ticks(long w) {
        long load = Pit8254.pulses(w) + 1; // loaded on the next CLK pulse
        long[] t = new long[4];
        for (int k = 1; k <= 3; k++) {
            // OUT rises as the count reloads, every 1000 pulses; the handler's RDTSC is its 3rd instruction
            t[k] = Pit8254.timeOfPulse(load + 1000L * k) + 2;
        }
        return t;
    }

    @Test
    void testPitIrq0_throughThe8259AndLint0_intoTheIdt_atTheDataSheetsVirtualTime() {
        for (long hook : new long[] {0, 0x10400}) { // as firmware left it; then with the APIC globally disabled
            Machine m = machine(0x10000);
            m.physicalMemory().writeU64(OUT + 0x88, hook);
            RunResult r = m.runKernel(10_000_000);
            assertTrue(r.poweredOff());
            assertEquals(3, m.physicalMemory().readU64(OUT), "three ticks taken through vector 0x30");
            long w = u32(m, OUT + 0x80) - 1; // the RDTSC right after the count's MSB was written
            long[] t = ticks(w);
            for (int k = 1; k <= 3; k++) {
                assertEquals(t[k], u32(m, OUT + 8L * k), "tick " + k + " (hook " + Long.toHexString(hook) + ")");
            }
            assertEquals(Pit8254.timeOfPulse(Pit8254.pulses(w) + 2001) - Pit8254.timeOfPulse(Pit8254.pulses(w) + 1001),
                    t[2] - t[1], "one period of 1000 pulses (838 or 839 ns each)");
        }
    }

    @Test
    void testPitIrq0_notDeliveredWithLint0Masked() {
        Machine m = machine(0x10000);
        m.physicalMemory().writeU64(OUT + 0x88, 0x10480);
        RunResult r = m.runKernel(5_000_000);
        assertFalse(r.poweredOff());
        assertEquals(5_000_000, r.retired(), "HLT idled from deadline to deadline to the end of the slice");
        assertEquals(0, m.physicalMemory().readU64(OUT));
        assertTrue(((MachineImpl) m).ports.pic.intr(), "the 8259 still asserts INTR: the request waits");
    }

    @Test
    void testXapicThroughItsMmioPage_tprHoldsTheTimerBack_eoi_selfIpi() {
        Machine m = machine(0x11000);
        RunResult r = m.runKernel(1_000_000);
        assertTrue(r.poweredOff());
        assertEquals(0x50014, u32(m, OUT + 0x90), "version");
        assertEquals(0, u32(m, OUT + 0x98), "ID 0 in bits 31:24");
        assertEquals(1, u32(m, OUT + 0xb8), "IRR bit of vector 0x40 set while TPR 0x40 held it back");
        assertEquals(0, u32(m, OUT + 0xbc), "current count 0: the one-shot expired");
        long tpr0 = u32(m, OUT + 0xa8);
        // RDTSC at R, MOV at R+1, the TPR store at R+2, OUT to port 0x80 at R+3. An MMIO store
        // takes effect at the end of its translation block (Cpu.mmioWrite; blocks follow direct
        // jumps), so the snippet ends one with an OUT, as Linux's io_delay would: the interrupt
        // comes at the boundary before R+4, and the handler's RDTSC is its 3rd instruction.
        assertEquals(tpr0 + 6, u32(m, OUT + 0xb0), "taken as soon as TPR dropped");
        assertEquals(1, u32(m, OUT + 0xd0), "the handler saw vector 0x40 in service");
        long icr = u32(m, OUT + 0xc8);
        assertEquals(icr + 6, u32(m, OUT + 0xc0), "the self IPI through the ICR, at the same boundary");
        assertTrue(tpr0 > u32(m, OUT + 0xa0) - 1 + 500, "TPR was lowered after the timer expired");
    }

    @Test
    void testKernelThatHaltsWithInterruptsOff_hasPoweredTheMachineOff() {
        Machine m = machine(0x10000);
        m.physicalMemory().write(0x10500, new byte[] {(byte) 0xfa, (byte) 0xf4}, 0, 2); // cli; hlt
        m.bootKernel(new TestImage(), new KernelEntry(0x10500, 0xf000, 0, 0x1000, 0x5000, 0x3f, 0, false, 0, 0));
        RunResult r = m.runKernel(1_000_000);
        assertTrue(r.poweredOff(), "Linux's machine_halt: nothing can wake it");
        assertEquals(2, r.retired());
    }

    @Test
    void testSerialRxInterrupt_forHostInput_acceptedAtTheNextSlice() {
        Machine m = machine(0x12000);
        RunResult a = m.runKernel(100_000);
        assertFalse(a.poweredOff());
        assertEquals(100_000, a.retired(), "halted, waiting for input: time went to the end of the slice");
        assertEquals(0, m.physicalMemory().readU64(OUT));
        assertEquals("o", m.console().text(), "the byte written to THR");
        m.console().input("hi".getBytes(StandardCharsets.US_ASCII));
        RunResult b = m.runKernel(100_000);
        assertTrue(b.poweredOff());
        assertEquals(2, m.physicalMemory().readU64(OUT));
        assertEquals('h', m.physicalMemory().readU32(OUT + 0x10) & 0xff);
        assertEquals('i', (m.physicalMemory().readU32(OUT + 0x10) >> 8) & 0xff);
        assertEquals(100_000 + 2, u32(m, OUT + 0x20), "IRQ 4 taken at the first instruction boundary of the slice");
    }
}
