package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The system instructions of {@link PlatformOps} and the FS/GS loads of {@link SystemOps} in ring
 * 0 (bare mode, where an unhandled fault ends the call with an oops naming vector, error code
 * and RIP), against a GDT the test loads with LGDT: far returns within ring 0 and to ring 3 with
 * SS:RSP and an immediate, their #GP/#NP/#SS cases and the compatibility-mode refusal, far jumps,
 * MOV DRn with the fixed bits of DR6/DR7, LLDT/SLDT, SMSW/LMSW, WBINVD/INVD, MOV to FS/GS with a
 * null or a real selector, and memory-mapped I/O past the end of RAM (unbacked addresses, the
 * local APIC page, no instruction fetch, an address past MAXPHYADDR). The snippets were
 * assembled with GNU as (Intel syntax); the listing is beside the bytes.
 */
class PlatformOpsTest {

    /** lgdt_fn at +0x0. */
    static final String[] LGDT_FN = {
        "0f 01 17", // 0: lgdt [rdi]
        "c3", // 3: ret
    };
    /** farret_fn at +0x0. */
    static final String[] FARRET_FN = {
        "49 89 e0", // 0: mov r8,rsp
        "48 8d 05 04 00 00 00", // 3: lea rax,[rip+0x4] # 0xe
        "57", // a: push rdi
        "50", // b: push rax
        "48 cb", // c: retfq
        "8c c8", // e: mov eax,cs
        "49 29 e0", // 10: sub r8,rsp
        "4c 89 c2", // 13: mov rdx,r8
        "c3", // 16: ret
    };
    /** farret_imm_fn at +0x0. */
    static final String[] FARRET_IMM_FN = {
        "49 89 e0", // 0: mov r8,rsp
        "48 8d 05 0a 00 00 00", // 3: lea rax,[rip+0xa] # 0x14
        "48 83 ec 20", // a: sub rsp,0x20
        "57", // e: push rdi
        "50", // f: push rax
        "48 ca 20 00", // 10: retfq 0x20
        "8c c8", // 14: mov eax,cs
        "49 29 e0", // 16: sub r8,rsp
        "4c 89 c2", // 19: mov rdx,r8
        "c3", // 1c: ret
    };
    /** farret_outer_fn at +0x0. */
    static final String[] FARRET_OUTER_FN = {
        "56", // 0: push rsi
        "52", // 1: push rdx
        "48 83 ec 10", // 2: sub rsp,0x10
        "57", // 6: push rdi
        "51", // 7: push rcx
        "48 ca 10 00", // 8: retfq 0x10
    };
    /** farjmp_fn at +0x0. */
    static final String[] FARJMP_FN = {
        "48 ff 2f", // 0: rex.W jmp FWORD PTR [rdi]
        "8c c8", // 3: mov eax,cs
        "c3", // 5: ret
    };
    /** dr_fn at +0x0. */
    static final String[] DR_FN = {
        "0f 23 ff", // 0: mov dr7,rdi
        "0f 21 f8", // 3: mov rax,dr7
        "48 89 06", // 6: mov QWORD PTR [rsi],rax
        "0f 23 f7", // 9: mov dr6,rdi
        "0f 21 f0", // c: mov rax,dr6
        "48 89 46 08", // f: mov QWORD PTR [rsi+0x8],rax
        "0f 23 c7", // 13: mov dr0,rdi
        "0f 21 c0", // 16: mov rax,dr0
        "48 89 46 10", // 19: mov QWORD PTR [rsi+0x10],rax
        "0f 23 df", // 1d: mov dr3,rdi
        "0f 21 d8", // 20: mov rax,dr3
        "48 89 46 18", // 23: mov QWORD PTR [rsi+0x18],rax
        "c3", // 27: ret
    };
    /** dr4_fn at +0x0. */
    static final String[] DR4_FN = {
        "0f 23 e7", // 0: mov dr4,rdi
        "0f 21 f0", // 3: mov rax,dr6
        "0f 21 e9", // 6: mov rcx,dr5
        "c3", // 9: ret
    };
    /** dr8_fn at +0x0. */
    static final String[] DR8_FN = {
        "44 0f 23 c7", // 0: mov dr8,rdi
        "c3", // 4: ret
    };
    /** ldt_fn at +0x0. */
    static final String[] LDT_FN = {
        "0f 00 d7", // 0: lldt di
        "48 c7 c0 ff ff ff ff", // 3: mov rax,0xffffffffffffffff
        "0f 00 c0", // a: sldt eax
        "0f 00 06", // d: sldt WORD PTR [rsi]
        "c3", // 10: ret
    };
    /** smsw_fn at +0x0. */
    static final String[] SMSW_FN = {
        "48 c7 c0 ff ff ff ff", // 0: mov rax,0xffffffffffffffff
        "48 0f 01 e0", // 7: smsw rax
        "48 c7 c1 ff ff ff ff", // b: mov rcx,0xffffffffffffffff
        "0f 01 e1", // 12: smsw ecx
        "48 c7 c2 ff ff ff ff", // 15: mov rdx,0xffffffffffffffff
        "66 0f 01 e2", // 1c: smsw dx
        "0f 01 27", // 20: smsw WORD PTR [rdi]
        "c3", // 23: ret
    };
    /** lmsw_fn at +0x0. */
    static final String[] LMSW_FN = {
        "0f 01 f7", // 0: lmsw di
        "0f 20 c0", // 3: mov rax,cr0
        "c3", // 6: ret
    };
    /** cache_fn at +0x0. */
    static final String[] CACHE_FN = {
        "0f 09", // 0: wbinvd
        "0f 08", // 2: invd
        "b8 07 00 00 00", // 4: mov eax,0x7
        "c3", // 9: ret
    };
    /** movfs_fn at +0x0. */
    static final String[] MOVFS_FN = {
        "8e e7", // 0: mov fs,edi
        "b9 00 01 00 c0", // 2: mov ecx,0xc0000100
        "0f 32", // 7: rdmsr
        "48 c1 e2 20", // 9: shl rdx,0x20
        "48 09 d0", // d: or rax,rdx
        "c3", // 10: ret
    };
    /** movgs_fn at +0x0. */
    static final String[] MOVGS_FN = {
        "8e ef", // 0: mov gs,edi
        "b9 01 01 00 c0", // 2: mov ecx,0xc0000101
        "0f 32", // 7: rdmsr
        "48 c1 e2 20", // 9: shl rdx,0x20
        "48 09 d0", // d: or rax,rdx
        "c3", // 10: ret
    };
    /** mmio_read_fn at +0x0. */
    static final String[] MMIO_READ_FN = {
        "8a 07", // 0: mov al,BYTE PTR [rdi]
        "88 06", // 2: mov BYTE PTR [rsi],al
        "66 8b 07", // 4: mov ax,WORD PTR [rdi]
        "66 89 46 08", // 7: mov WORD PTR [rsi+0x8],ax
        "8b 07", // b: mov eax,DWORD PTR [rdi]
        "89 46 10", // d: mov DWORD PTR [rsi+0x10],eax
        "48 8b 07", // 10: mov rax,QWORD PTR [rdi]
        "48 89 46 18", // 13: mov QWORD PTR [rsi+0x18],rax
        "c3", // 17: ret
    };
    /** mmio_write_fn at +0x0. */
    static final String[] MMIO_WRITE_FN = {
        "48 89 37", // 0: mov QWORD PTR [rdi],rsi
        "c7 47 30 78 56 34 12", // 3: mov DWORD PTR [rdi+0x30],0x12345678
        "48 8b 07", // a: mov rax,QWORD PTR [rdi]
        "c3", // d: ret
    };
    /** jump_fn at +0x0. */
    static final String[] JUMP_FN = {
        "ff e7", // 0: jmp rdi
    };

    static final long DATA = TestImage.DATA, GDT = DATA, GDTR = DATA + 0x100, OUT = DATA + 0x200;
    static final long USER_CODE = 0x400000, USER_STACK = 0x410000, MMIO_VA = 0x500000;

    /** The test GDT (limit 0x7f): selector -> descriptor. */
    static final long[] DESCRIPTORS = {
        0,
        0x00af9a000000ffffL, // 0x08 code64, DPL 0
        0x00cf92000000ffffL, // 0x10 data, DPL 0
        0x00cffa000000ffffL, // 0x18 code32 (compatibility mode), DPL 3
        0x00cff2000000ffffL, // 0x20 data, DPL 3
        0x00affa000000ffffL, // 0x28 code64, DPL 3
        0x0000890000000067L, // 0x30 64-bit TSS (system)
        0,                   // 0x38 its upper half
        0x00af1a000000ffffL, // 0x40 code64, DPL 0, not present
        0x00affe000000ffffL, // 0x48 conforming code64, DPL 3
        0x12cf92345678ffffL, // 0x50 data, DPL 0, base 0x12345678
        0x00af98000000ffffL, // 0x58 execute-only code64, DPL 0
        0xabcff2cd0000ffffL, // 0x60 data, DPL 3, base 0xabcd0000
        0x00cf12000000ffffL, // 0x68 data, DPL 0, not present
        0x00cf9a000000ffffL, // 0x70 code32, DPL 0
        0,
    };

    Machine m;
    MachineImpl mi;
    Cpu cpu;
    final TestImage img = new TestImage();
    long farret, farretImm, farretOuter, farjmp, dr, dr4, dr8, ldt, smsw, lmsw, cache, movfs, movgs, mmioRead,
            mmioWrite, jump;

    static int[] ints(String[] code) {
        return CpuidMsrTest.ints(code);
    }

    @BeforeEach
    void load() throws Exception {
        img.function("lgdt_fn", ints(LGDT_FN));
        farret = img.function("farret_fn", ints(FARRET_FN));
        farretImm = img.function("farret_imm_fn", ints(FARRET_IMM_FN));
        farretOuter = img.function("farret_outer_fn", ints(FARRET_OUTER_FN));
        farjmp = img.function("farjmp_fn", ints(FARJMP_FN));
        dr = img.function("dr_fn", ints(DR_FN));
        dr4 = img.function("dr4_fn", ints(DR4_FN));
        dr8 = img.function("dr8_fn", ints(DR8_FN));
        ldt = img.function("ldt_fn", ints(LDT_FN));
        smsw = img.function("smsw_fn", ints(SMSW_FN));
        lmsw = img.function("lmsw_fn", ints(LMSW_FN));
        cache = img.function("cache_fn", ints(CACHE_FN));
        movfs = img.function("movfs_fn", ints(MOVFS_FN));
        movgs = img.function("movgs_fn", ints(MOVGS_FN));
        mmioRead = img.function("mmio_read_fn", ints(MMIO_READ_FN));
        mmioWrite = img.function("mmio_write_fn", ints(MMIO_WRITE_FN));
        jump = img.function("jump_fn", ints(JUMP_FN));
        m = Machines.create(1, 16);
        m.loadBare(img);
        mi = (MachineImpl) m;
        cpu = mi.vcpuImpl(0).cpu;
        for (int i = 0; i < DESCRIPTORS.length; i++) {
            m.memory().writeU64(GDT + 8L * i, DESCRIPTORS[i]);
        }
        m.memory().write(GDTR, new byte[] {0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 10);
        m.memory().writeU64(GDTR + 2, GDT);
        m.call("lgdt_fn", GDTR);
        assertEquals(0x7f, cpu.gdtLimit);
    }

    GuestOops fault(String fn, long... args) {
        return assertThrows(GuestOops.class, () -> m.call(fn, args));
    }

    void assertFault(int vector, int error, long rip, GuestOops o) {
        assertEquals(Trap.name(vector), Trap.name(o.trap().vector()), o.report());
        assertEquals(error, o.trap().errorCode(), "error code");
        assertEquals(rip, o.trap().address(), "RIP of the faulting instruction");
    }

    /** Points the page at {@code va} (mapped if needed; writable, executable, supervisor) to physical {@code pa}. */
    void mapPhysical(long va, long pa) {
        mi.mapRange(va, 4096, true, true, false);
        PhysicalMemory pm = m.physicalMemory();
        long pte = pteOf(va);
        pm.writeU64(pte, (pm.readU64(pte) & ~Mmu.ADDR) | pa);
        cpu.flushTlb();
    }

    /** Physical address of the page-table entry that maps {@code va}. */
    long pteOf(long va) {
        PhysicalMemory pm = m.physicalMemory();
        long table = cpu.cr3 & Mmu.ADDR;
        for (int level = 3; level > 0; level--) {
            table = pm.readU64(table + ((va >>> (12 + 9 * level)) & 0x1ff) * 8) & Mmu.ADDR;
        }
        return table + ((va >>> 12) & 0x1ff) * 8;
    }

    // ------------------------------------------------------------------ far return, far jump

    @Test
    void testFarReturn_sameLevel_withAndWithoutImmediate_loadsCs_balancesTheStack() {
        var r = m.call("farret_fn", 0x08);
        assertEquals(0x08, r.rax(), "CS");
        assertEquals(0, cpu.r[2], "RSP back where it was: two quadwords popped");
        r = m.call("farret_imm_fn", 0x08);
        assertEquals(0x08, r.rax());
        assertEquals(0, cpu.r[2], "and the 32 bytes of the immediate released");
    }

    @Test
    void testFarReturn_toRing3_loadsSsRsp_releasesTheImmediateFromTheNewStack() throws Exception {
        mi.mapRange(USER_CODE, 4096, false, true, true);
        mi.mapRange(USER_STACK, 4096, true, false, true);
        m.memory().poke(USER_CODE, new byte[] {0x0f, 0x0b}, 0, 2); // ud2
        GuestOops o = fault("farret_outer_fn", 0x2b, 0x23, USER_STACK + 0x800, USER_CODE);
        assertFault(Trap.UD, -1, USER_CODE, o);
        assertEquals(0x2b, m.vcpu(0).regs().get(Reg.CS));
        assertEquals(0x23, m.vcpu(0).regs().get(Reg.SS));
        assertEquals(3, cpu.cpl);
        assertEquals(USER_STACK + 0x800 + 16, cpu.r[4], "RSP: the popped value plus the immediate");
    }

    @Test
    void testFarReturn_faults() {
        long retf = farret + 0xc;
        assertFault(Trap.GP, 0, retf, fault("farret_fn", 0x00));          // null
        assertFault(Trap.GP, 0x10, retf, fault("farret_fn", 0x10));       // data segment
        assertFault(Trap.GP, 0x30, retf, fault("farret_fn", 0x30));       // system segment
        assertFault(Trap.GP, 0x80, retf, fault("farret_fn", 0x80));       // past the limit
        assertFault(Trap.GP, 0x44, retf, fault("farret_fn", 0x44));       // LDT selector (TI in the error code)
        assertFault(Trap.NP, 0x40, retf, fault("farret_fn", 0x40));       // not present
        assertFault(Trap.GP, 0x08, retf, fault("farret_fn", 0x0b));       // RPL 3, DPL 0: DPL != RPL
        assertFault(Trap.GP, 0x48, retf, fault("farret_fn", 0x48));       // conforming, DPL 3 > RPL 0
        GuestOops compat = fault("farret_fn", 0x70);
        assertFault(Trap.UD, -1, retf, compat);
        assertTrue(compat.trap().message().contains("compatibility-mode code segment"), compat.trap().message());
        long outer = farretOuter + 8;
        assertFault(Trap.GP, 0, outer, fault("farret_outer_fn", 0x2b, 0x00, USER_STACK, USER_CODE)); // null SS, ring 3
        assertFault(Trap.GP, 0x10, outer, fault("farret_outer_fn", 0x2b, 0x10, USER_STACK, USER_CODE)); // SS RPL 0
        assertFault(Trap.GP, 0x10, outer, fault("farret_outer_fn", 0x2b, 0x13, USER_STACK, USER_CODE)); // SS DPL 0
        assertFault(Trap.GP, 0x28, outer, fault("farret_outer_fn", 0x2b, 0x2b, USER_STACK, USER_CODE)); // SS code
        assertFault(Trap.GP, 0, outer, fault("farret_outer_fn", 0x2b, 0x23, USER_STACK, 0x0000800000000000L));
        assertEquals(0, cpu.cpl, "nothing changed");
    }

    @Test
    void testFarJump_m16_64_sameLevel_andItsFaults() throws Exception {
        m.memory().writeU64(OUT, farjmp + 3);
        m.memory().write(OUT + 8, new byte[] {0x08, 0}, 0, 2);
        assertEquals(0x08, m.call("farjmp_fn", OUT).rax(), "REX.W: the 64-bit offset (Intel)");
        int[][] bad = {{0x2b, 0x28}, {0x28, 0x28}, {0x48, 0x48}, {0x10, 0x10}, {0x40, 0x40}};
        int[] vector = {Trap.GP, Trap.GP, Trap.GP, Trap.GP, Trap.NP};
        for (int i = 0; i < bad.length; i++) {
            m.memory().write(OUT + 8, new byte[] {(byte) bad[i][0], 0}, 0, 2);
            assertFault(vector[i], bad[i][1], farjmp, fault("farjmp_fn", OUT));
        }
    }

    // ------------------------------------------------------------------ debug registers

    @Test
    void testMovDr_fixedBitsOfDr6AndDr7_dr4Dr5Alias_dr8Ud_upperHalfGp() throws Exception {
        m.call("dr_fn", 0, OUT);
        assertEquals(0x400, m.memory().readU64(OUT), "DR7: bit 10 reads 1");
        assertEquals(0xffff0ff0L, m.memory().readU64(OUT + 8), "DR6: bits 4-11 and 16-31 read 1");
        m.call("dr_fn", 0xffffffffL, OUT);
        assertEquals(0xffffffffL & ~0xd800L, m.memory().readU64(OUT), "DR7: bits 11, 12, 14, 15 read 0");
        assertEquals(0xffffefffL, m.memory().readU64(OUT + 8), "DR6: bit 12 reads 0");
        assertEquals(0xffffffffL, m.memory().readU64(OUT + 16), "DR0 holds any address");
        m.call("dr_fn", 0x12345678, OUT);
        assertEquals(0x12340678L, m.memory().readU64(OUT), "DR7: 0x5678 loses bits 12 and 14");
        assertEquals(0x12345678L, m.memory().readU64(OUT + 24), "DR3");
        long r = m.call("dr4_fn", 0x4000).rax();
        assertEquals(0xffff0ff0L | 0x4000, r, "DR4 is DR6 (CR4.DE clear)");
        assertEquals(0x12340678L, cpu.r[1], "DR5 is DR7");
        assertFault(Trap.UD, -1, dr8, fault("dr8_fn", 0));
        assertFault(Trap.GP, 0, dr, fault("dr_fn", 1L << 32, OUT)); // DR7's upper half
    }

    // ------------------------------------------------------------------ LDT, MSW, caches

    @Test
    void testLldt_nullOnly_sldtReadsIt() throws Exception {
        m.memory().writeU64(OUT, -1L);
        long r = m.call("ldt_fn", 0, OUT).rax();
        assertEquals(0, r, "SLDT r32: the null selector, zero-extended");
        assertEquals(0xffffffffffff0000L, m.memory().readU64(OUT), "SLDT m16: two bytes");
        GuestOops o = fault("ldt_fn", 0x50, OUT);
        assertFault(Trap.GP, 0x50, ldt, o);
        assertTrue(o.trap().message().contains("LDTs are not supported"), o.trap().message());
    }

    @Test
    void testSmswStoresCr0_bySize_lmswSetsTheLowFourBits_butNeverClearsPe() throws Exception {
        long cr0 = cpu.cr0;
        m.memory().writeU64(OUT, -1L);
        long r = m.call("smsw_fn", OUT).rax();
        assertEquals(cr0, r, "SMSW r64: all of CR0");
        assertEquals(cr0 & 0xffffffffL, cpu.r[1], "SMSW r32: zero-extended");
        assertEquals(0xffffffffffff0000L | (cr0 & 0xffff), cpu.r[2], "SMSW r16: the rest of RDX kept");
        assertEquals(0xffffffffffff0000L | (cr0 & 0xffff), m.memory().readU64(OUT), "SMSW m16: two bytes");
        assertEquals((cr0 & ~0xeL) | 0x8, m.call("lmsw_fn", 0xfff8).rax(), "TS set, MP cleared, nothing above bit 3");
        assertEquals(cr0 | 0xe, m.call("lmsw_fn", 0xe).rax(), "PE kept although bit 0 was 0");
        m.call("lmsw_fn", cr0 & 0xf);
        assertEquals(cr0, cpu.cr0);
    }

    @Test
    void testWbinvdInvd_areNoOpsInRing0() {
        assertEquals(7, m.call("cache_fn").rax());
    }

    // ------------------------------------------------------------------ FS/GS

    @Test
    void testMovToFsGs_nullClearsTheBase_aRealSelectorLoadsItsBase_andTheChecks() throws Exception {
        cpu.fsBase = 0x1111;
        cpu.gsBase = 0x2222;
        assertEquals(0, m.call("movfs_fn", 0).rax(), "null selector: base 0 (Intel; Linux relies on it)");
        assertEquals(0, m.call("movgs_fn", 3).rax(), "null with RPL 3 too");
        assertEquals(0x12345678, m.call("movfs_fn", 0x50).rax());
        assertEquals(0xabcd0000L, m.call("movgs_fn", 0x63).rax(), "DPL 3 data with RPL 3 from ring 0");
        assertEquals(0x50, cpu.sregs[4]);
        assertFault(Trap.GP, 0x58, movfs, fault("movfs_fn", 0x58)); // execute-only code
        assertFault(Trap.GP, 0x30, movfs, fault("movfs_fn", 0x30)); // system segment
        assertFault(Trap.GP, 0x50, movgs, fault("movgs_fn", 0x53)); // RPL 3 > DPL 0
        assertFault(Trap.GP, 0x80, movfs, fault("movfs_fn", 0x80)); // past the limit
        assertFault(Trap.NP, 0x68, movfs, fault("movfs_fn", 0x68)); // not present
        assertEquals(0x12345678, cpu.fsBase, "unchanged by the faulting loads");
    }

    // ------------------------------------------------------------------ MMIO

    @Test
    void testMmio_unbackedAddressesReadAllOnes_writesAreDropped() throws Exception {
        mapPhysical(MMIO_VA, 0x80000000L);
        m.call("mmio_read_fn", MMIO_VA, OUT);
        assertEquals(0xff, m.memory().readU64(OUT) & 0xff);
        assertEquals(0xffff, m.memory().readU64(OUT + 8) & 0xffff);
        assertEquals(0xffffffffL, m.memory().readU64(OUT + 16) & 0xffffffffL);
        assertEquals(-1L, m.memory().readU64(OUT + 24));
        assertEquals(-1L, m.call("mmio_write_fn", MMIO_VA, 0).rax(), "the write went nowhere");
    }

    @Test
    void testMmio_theLocalApicPageThroughThePageTables() throws Exception {
        mapPhysical(MMIO_VA, 0xfee00000L);
        m.call("mmio_read_fn", MMIO_VA + 0x30, OUT); // the version register
        assertEquals(0x14, m.memory().readU64(OUT) & 0xff);
        assertEquals(0x0014, m.memory().readU64(OUT + 8) & 0xffff);
        assertEquals(0x50014, m.memory().readU64(OUT + 16) & 0xffffffffL);
        assertEquals(0x50014, m.memory().readU64(OUT + 24), "an 8-byte read: the 32-bit register");
        long r = m.call("mmio_write_fn", MMIO_VA + 0x80, 0xffffffff00000045L).rax(); // TPR, then EOI
        assertEquals(0x45, r, "TPR took the low 32 bits of the 8-byte store, 8 bits of them");
        assertEquals(0x45, cpu.apic.tpr);
    }

    @Test
    void testMmio_noInstructionFetch_addressPastMaxphyaddrIsReserved_crossingIntoMmio() throws Exception {
        mapPhysical(MMIO_VA, 0x80000000L);
        GuestOops o = fault("jump_fn", MMIO_VA);
        assertFault(Trap.PF, 0x19, MMIO_VA, o); // present, reserved, instruction fetch, supervisor
        // the same from ring 3: the U/S bit of the error code says so
        mi.mapRange(MMIO_VA + 0x4000, 4096, true, true, true);
        long pte = pteOf(MMIO_VA + 0x4000);
        m.physicalMemory().writeU64(pte, (m.physicalMemory().readU64(pte) & ~Mmu.ADDR) | 0x80000000L);
        cpu.flushTlb();
        o = fault("farret_outer_fn", 0x2b, 0x23, USER_STACK, MMIO_VA + 0x4000);
        assertFault(Trap.PF, 0x1d, MMIO_VA + 0x4000, o);
        mapPhysical(MMIO_VA + 0x1000, 1L << 40);
        o = fault("mmio_read_fn", MMIO_VA + 0x1000, OUT);
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(0x9, o.trap().errorCode(), "present, reserved bit: the frame is past MAXPHYADDR");
        assertEquals(MMIO_VA + 0x1000, o.trap().address(), "CR2");
        // a RAM page followed by an MMIO page: an 8-byte read across them
        mi.mapRange(MMIO_VA + 0x2000, 4096, true, false, false);
        mapPhysical(MMIO_VA + 0x3000, 0x80000000L);
        m.memory().write(MMIO_VA + 0x2ffc, new byte[] {0x44, 0x33, 0x22, 0x11}, 0, 4);
        m.call("mmio_read_fn", MMIO_VA + 0x2ffc, OUT);
        assertEquals(0xffffffff11223344L, m.memory().readU64(OUT + 24));
    }
}
