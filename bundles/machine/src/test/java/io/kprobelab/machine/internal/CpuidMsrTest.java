package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Trap;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPUID (every leaf {@link CpuModel} answers, as SDM Vol. 2A CPUID defines the fields) and the
 * MSRs of {@link Msrs} with their read/write rules and #GP cases, executed by CPUID, RDMSR,
 * WRMSR, RDTSC and RDTSCP in ring 0 (bare mode: a #GP ends the call with an oops naming it).
 */
class CpuidMsrTest {

    /** rdmsr_fn(ecx) at +0x0. */
    static final String[] RDMSR_FN = {
        "89 f9", // 0: mov ecx,edi
        "0f 32", // 2: rdmsr
        "48 c1 e2 20", // 4: shl rdx,0x20
        "48 09 d0", // 8: or rax,rdx
        "c3", // b: ret
    };
    /** wrmsr_fn(ecx, value) at +0x0. */
    static final String[] WRMSR_FN = {
        "89 f9", // 0: mov ecx,edi
        "48 89 f0", // 2: mov rax,rsi
        "48 89 f2", // 5: mov rdx,rsi
        "48 c1 ea 20", // 8: shr rdx,0x20
        "0f 30", // c: wrmsr
        "c3", // e: ret
    };
    /** cpuid_fn(leaf, subleaf, out) at +0x0: EAX EBX ECX EDX stored at out. */
    static final String[] CPUID_FN = {
        "49 89 d0", // 0: mov r8,rdx
        "89 f8", // 3: mov eax,edi
        "89 f1", // 5: mov ecx,esi
        "53", // 7: push rbx
        "0f a2", // 8: cpuid
        "41 89 00", // a: mov DWORD PTR [r8],eax
        "41 89 58 04", // d: mov DWORD PTR [r8+0x4],ebx
        "41 89 48 08", // 11: mov DWORD PTR [r8+0x8],ecx
        "41 89 50 0c", // 15: mov DWORD PTR [r8+0xc],edx
        "5b", // 19: pop rbx
        "c3", // 1a: ret
    };
    /** rdtsc_fn at +0x0. */
    static final String[] RDTSC_FN = {
        "0f 31", // 0: rdtsc
        "48 c1 e2 20", // 2: shl rdx,0x20
        "48 09 d0", // 6: or rax,rdx
        "c3", // 9: ret
    };
    /** rdtscp_fn(out) at +0x0: TSC_AUX stored at out. */
    static final String[] RDTSCP_FN = {
        "0f 01 f9", // 0: rdtscp
        "48 c1 e2 20", // 3: shl rdx,0x20
        "48 09 d0", // 7: or rax,rdx
        "89 0f", // a: mov DWORD PTR [rdi],ecx
        "c3", // c: ret
    };

    static final long OUT = TestImage.DATA;

    Machine m;
    Cpu cpu;
    long rdmsrAt, wrmsrAt;

    static int[] ints(String[] code) {
        byte[] b = KernelModeTest.hex(code);
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xff;
        }
        return v;
    }

    @BeforeEach
    void load() {
        TestImage img = new TestImage();
        rdmsrAt = img.function("rdmsr_fn", ints(RDMSR_FN)) + 2;
        wrmsrAt = img.function("wrmsr_fn", ints(WRMSR_FN)) + 0xc;
        img.function("cpuid_fn", ints(CPUID_FN));
        img.function("rdtsc_fn", ints(RDTSC_FN));
        img.function("rdtscp_fn", ints(RDTSCP_FN));
        m = Machines.create(1, 16);
        m.loadBare(img);
        cpu = ((MachineImpl) m).vcpuImpl(0).cpu;
    }

    long rdmsr(int msr) {
        return m.call("rdmsr_fn", msr & 0xffffffffL).rax();
    }

    void wrmsr(int msr, long v) {
        m.call("wrmsr_fn", msr & 0xffffffffL, v);
    }

    void assertRdmsrGp(int msr) {
        GuestOops o = assertThrows(GuestOops.class, () -> rdmsr(msr), "RDMSR " + Integer.toHexString(msr));
        assertEquals(Trap.GP, o.trap().vector());
        assertEquals(0, o.trap().errorCode());
        assertEquals(rdmsrAt, o.trap().address(), "a fault at the RDMSR: rdmsr_safe's fixup finds it");
    }

    void assertWrmsrGp(int msr, long v) {
        GuestOops o = assertThrows(GuestOops.class, () -> wrmsr(msr, v),
                "WRMSR " + Integer.toHexString(msr) + " " + Long.toHexString(v));
        assertEquals(Trap.GP, o.trap().vector());
        assertEquals(wrmsrAt, o.trap().address());
    }

    long[] cpuid(int leaf, int subleaf) throws Exception {
        m.call("cpuid_fn", leaf & 0xffffffffL, subleaf & 0xffffffffL, OUT);
        byte[] b = m.memory().read(OUT, 16);
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            r[i] = (b[4 * i] & 0xffL) | (b[4 * i + 1] & 0xffL) << 8 | (b[4 * i + 2] & 0xffL) << 16 | (b[4 * i + 3] & 0xffL) << 24;
        }
        return r;
    }

    static String chars(long... regs) {
        StringBuilder sb = new StringBuilder();
        for (long r : regs) {
            for (int i = 0; i < 4; i++) {
                char c = (char) ((r >>> (8 * i)) & 0xff);
                if (c != 0) {
                    sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ CPUID

    @Test
    void testLeaf0_maxLeafAndVendor() throws Exception {
        long[] r = cpuid(0, 0);
        assertEquals(0x16, r[0]);
        assertEquals("GenuineIntel", chars(r[1], r[3], r[2]), "EBX, EDX, ECX");
    }

    @Test
    void testLeaf1_signatureBrandIndexApicIdAndTheFeatureBits() throws Exception {
        long[] r = cpuid(1, 0);
        assertEquals(0x306a9, r[0], "family 6, model 0x3a, stepping 9");
        assertEquals(6, (r[0] >> 8) & 0xf);
        assertEquals(0x3a, ((r[0] >> 12) & 0xf0) | ((r[0] >> 4) & 0xf));
        assertEquals(8, (r[1] >> 8) & 0xff, "CLFLUSH line 8 x 8 bytes");
        assertEquals(1, (r[1] >> 16) & 0xff);
        assertEquals(0, (r[1] >> 24) & 0xff, "initial APIC ID");
        // what Linux's verify_cpu requires of a 64-bit CPU: FPU PSE MSR PAE CX8 PGE CMOV FXSR SSE SSE2
        for (int bit : new int[] {0, 3, 5, 6, 8, 13, 15, 24, 25, 26}) {
            assertEquals(1, (r[3] >> bit) & 1, "EDX bit " + bit);
        }
        assertEquals(1, (r[3] >> 4) & 1, "TSC");
        assertEquals(1, (r[3] >> 9) & 1, "APIC");
        assertEquals(0, (r[3] >> 12) & 1, "no MTRR");
        assertEquals(0, (r[3] >> 16) & 1, "no PAT");
        assertEquals(0, (r[3] >> 28) & 1, "no HTT");
        assertEquals(1 << 13 | 1 << 21 | 1 << 23, r[2], "ECX: CX16, x2APIC, POPCNT and nothing else");
        assertEquals(0, (r[2] >> 24) & 1, "no TSC deadline");
        assertEquals(0, (r[2] >> 26) & 1, "no XSAVE");
        assertEquals(0, (r[2] >> 31) & 1, "no hypervisor bit");
    }

    @Test
    void testLeaf4_deterministicCacheParameters() throws Exception {
        String[] names = {"L1d 32K", "L1i 32K", "L2 256K", "L3 8M"};
        int[] type = {1, 2, 3, 3};
        int[] level = {1, 1, 2, 3};
        long[] size = {32 << 10, 32 << 10, 256 << 10, 8 << 20};
        for (int i = 0; i < 4; i++) {
            long[] r = cpuid(4, i);
            assertEquals(type[i], r[0] & 0x1f, names[i] + ": type");
            assertEquals(level[i], (r[0] >> 5) & 7, names[i] + ": level");
            assertEquals(1, (r[0] >> 8) & 1, "self-initializing");
            assertEquals(0, r[0] >> 14, "one logical processor and one core share it");
            long ways = (r[1] >> 22) + 1, partitions = ((r[1] >> 12) & 0x3ff) + 1, line = (r[1] & 0xfff) + 1;
            assertEquals(64, line);
            assertEquals(size[i], ways * partitions * line * (r[2] + 1), names[i] + ": ways x partitions x line x sets");
        }
        assertEquals(2, cpuid(4, 3)[3], "L3 inclusive");
        assertArrayEquals(new long[4], cpuid(4, 4), "subleaf 4: type 0, no more caches");
        assertArrayEquals(new long[] {1, 0, 0, 0}, cpuid(2, 0), "leaf 2: one iteration, null descriptors");
    }

    @Test
    void testLeaf7_0xb_0x15_0x16() throws Exception {
        assertArrayEquals(new long[] {0, 1 << 9, 0, 0}, cpuid(7, 0), "only ERMS; max subleaf 0");
        assertArrayEquals(new long[4], cpuid(7, 1));
        long[] smt = cpuid(0xb, 0);
        assertEquals(0, smt[0] & 0x1f, "SMT: shift 0");
        assertEquals(1, smt[1] & 0xffff, "one thread");
        assertEquals(1 << 8, smt[2], "level 0, type SMT");
        long[] core = cpuid(0xb, 1);
        assertEquals(0, core[0] & 0x1f);
        assertEquals(1, core[1] & 0xffff);
        assertEquals(2 << 8 | 1, core[2], "level 1, type core");
        long[] end = cpuid(0xb, 2);
        assertEquals(0, end[1] & 0xffff);
        assertEquals(2, end[2], "level 2, type invalid: the enumeration ends");
        assertEquals(0, end[3], "x2APIC ID");
        assertArrayEquals(new long[] {1, 1, 1_000_000_000L, 0}, cpuid(0x15, 0), "TSC = 1 GHz crystal x 1/1");
        assertArrayEquals(new long[] {1000, 1000, 1000, 0}, cpuid(0x16, 0), "MHz: base, max, bus");
        assertArrayEquals(new long[4], cpuid(0xd, 0), "no XSAVE leaf");
        assertArrayEquals(new long[] {1 << 2, 0, 0, 0}, cpuid(0x6, 0), "ARAT: the APIC timer runs in every idle state");
    }

    @Test
    void testExtendedLeaves_maxFeaturesBrandCachesAddressSizes() throws Exception {
        assertEquals(0x80000008L, cpuid(0x80000000, 0)[0]);
        long[] e1 = cpuid(0x80000001, 0);
        assertEquals(1 | 1 << 5, e1[2], "LAHF/SAHF, LZCNT");
        assertEquals(1 << 11 | 1 << 20 | 1 << 26 | 1 << 27 | 1 << 29, e1[3], "SYSCALL NX 1G-pages RDTSCP LM");
        StringBuilder brand = new StringBuilder();
        for (int l = 0x80000002; l <= 0x80000004; l++) {
            long[] r = cpuid(l, 0);
            brand.append(chars(r[0], r[1], r[2], r[3]));
        }
        assertEquals("KprobeLab x86-64 CPU @ 1.00GHz", brand.toString());
        assertEquals(0, cpuid(0x80000004, 0)[3] >>> 24, "NUL-terminated within the 48 bytes");
        long[] l2 = cpuid(0x80000006, 0);
        assertEquals(256, l2[2] >>> 16, "L2 KiB");
        assertEquals(6, (l2[2] >> 12) & 0xf, "8-way");
        assertEquals(64, l2[2] & 0xff);
        assertEquals(1 << 8, cpuid(0x80000007, 0)[3], "invariant TSC");
        assertEquals(48 << 8 | 40, cpuid(0x80000008, 0)[0], "48 linear, 40 physical bits");
    }

    @Test
    void testOutOfRangeLeaves_returnTheHighestBasicLeaf_asIntelDoes() throws Exception {
        long[] top = cpuid(0x16, 0);
        assertArrayEquals(top, cpuid(0x17, 0));
        assertArrayEquals(top, cpuid(0x40000000, 0), "no hypervisor leaves");
        assertArrayEquals(top, cpuid(0x7fffffff, 0));
        assertArrayEquals(top, cpuid(0x80000009, 0));
        assertArrayEquals(top, cpuid(0xffffffff, 0));
        assertArrayEquals(new long[4], cpuid(0x80000005, 0), "in range but unused: zeros");
    }

    @Test
    void testCpuidClearsTheUpperHalves_andReportsTheApicIdOfTheCpu() throws Exception {
        long[] out = new long[4];
        CpuModel.cpuid(1, 0, 5, out);
        assertEquals(5, out[1] >>> 24);
        CpuModel.cpuid(0xb, 0, 5, out);
        assertEquals(5, out[3]);
        cpu.apic.id = 3;
        assertEquals(3, cpuid(1, 0)[1] >>> 24, "CPUID reads the APIC ID the guest may have changed");
    }

    // ------------------------------------------------------------------ MSRs

    @Test
    void testUnknownMsrs_gp0AtTheInstruction_forReadAndWrite() {
        for (int msr : new int[] {0x0, 0x17, 0x3b, 0x48, 0xce, 0xfe, 0x10a, 0x277, 0x6e0, 0xc0010015, 0x40000000}) {
            assertRdmsrGp(msr);
            assertWrmsrGp(msr, 0);
        }
    }

    @Test
    void testEfer_writableBits_lmaReadOnly_reservedGp_lmeFixedWhilePaging() {
        assertEquals(0xd01, rdmsr(Msrs.EFER), "bare mode: SCE LME LMA NXE");
        wrmsr(Msrs.EFER, 0x900); // SCE off, LMA written as 0: LMA is read-only
        assertEquals(0xd00, rdmsr(Msrs.EFER));
        assertWrmsrGp(Msrs.EFER, 0xd01 | 0x2);    // reserved bit 1
        assertWrmsrGp(Msrs.EFER, 0xd01 | 0x1000); // bit 12 (AMD's FFXSR): reserved on Intel
        assertWrmsrGp(Msrs.EFER, 0xd01 | 0x2000); // LMSLE: not supported
        assertWrmsrGp(Msrs.EFER, 0x801);          // clearing LME with CR0.PG set
        assertEquals(0xd00, rdmsr(Msrs.EFER));
        wrmsr(Msrs.EFER, 0xd01);
        assertEquals(0xd01, rdmsr(Msrs.EFER));
    }

    @Test
    void testBases_canonicalOnly() {
        for (int msr : new int[] {Msrs.FS_BASE, Msrs.GS_BASE, Msrs.KERNEL_GS_BASE, Msrs.LSTAR, Msrs.CSTAR,
            Msrs.SYSENTER_ESP, Msrs.SYSENTER_EIP}) {
            wrmsr(msr, 0xffff800012345678L);
            assertEquals(0xffff800012345678L, rdmsr(msr), Integer.toHexString(msr));
            assertWrmsrGp(msr, 0x0000800000000000L);
            assertWrmsrGp(msr, 0x8000000000000000L);
            assertEquals(0xffff800012345678L, rdmsr(msr), "unchanged by the faulting write");
        }
        assertEquals(0xffff800012345678L, cpu.gsBase);
        wrmsr(Msrs.STAR, 0x0023001000000000L);
        assertEquals(0x0023001000000000L, rdmsr(Msrs.STAR), "STAR holds selectors: no canonical check");
        wrmsr(Msrs.FMASK, 0x47700);
        assertEquals(0x47700, rdmsr(Msrs.FMASK));
        wrmsr(Msrs.SYSENTER_CS, 0x10);
        assertEquals(0x10, rdmsr(Msrs.SYSENTER_CS));
    }

    @Test
    void testTsc_writeSetsTheCounter_rdtscAndRdtscpFollow_tscAux() throws Exception {
        // Virtual time: a bare-mode call retires its instructions and the sentinel HLT. The WRMSR
        // is the 5th of wrmsr_fn's 7; RDTSC the 1st of the next call: it reads 7 - 4 = 3 more.
        assertEquals(0, m.call("rdtsc_fn").rax(), "the first instruction of a fresh machine");
        wrmsr(Msrs.TSC, 1_000_000);
        long after = m.call("rdtsc_fn").rax();
        assertEquals(1_000_000 + 3, after, "RDTSC continues from the written value");
        assertEquals(after + 5 + 1, rdmsr(Msrs.TSC), "rdtsc_fn retired 5; RDMSR is the 2nd of its call");
        wrmsr(Msrs.TSC_AUX, 0x1234);
        assertEquals(0x1234, rdmsr(Msrs.TSC_AUX));
        long t0 = m.call("rdtsc_fn").rax();
        assertEquals(t0 + 5, m.call("rdtscp_fn", OUT).rax(), "RDTSCP reads the same clock");
        assertEquals(0x1234, m.memory().readU64(OUT) & 0xffffffffL, "RDTSCP's ECX");
        assertWrmsrGp(Msrs.TSC_AUX, 1L << 32);
    }

    @Test
    void testFeatureControl_lockBitOnly_thenLockedUntilReset() {
        assertEquals(0, rdmsr(Msrs.FEATURE_CONTROL), "unlocked, as firmware that leaves it to the OS");
        assertWrmsrGp(Msrs.FEATURE_CONTROL, 0x5); // VMX outside SMX: no VMX
        wrmsr(Msrs.FEATURE_CONTROL, 1);            // init_ia32_feat_ctl locks it
        assertEquals(1, rdmsr(Msrs.FEATURE_CONTROL));
        assertWrmsrGp(Msrs.FEATURE_CONTROL, 1);
        assertWrmsrGp(Msrs.FEATURE_CONTROL, 0);
    }

    @Test
    void testMiscEnableBiosSignDebugctl() {
        assertEquals(1, rdmsr(Msrs.MISC_ENABLE), "fast strings enabled");
        wrmsr(Msrs.MISC_ENABLE, 0x400001L);
        assertEquals(0x400001L, rdmsr(Msrs.MISC_ENABLE));
        wrmsr(Msrs.BIOS_SIGN_ID, 0);
        assertEquals(0, rdmsr(Msrs.BIOS_SIGN_ID), "microcode revision 0 in 63:32");
        wrmsr(Msrs.DEBUGCTL, 0x3);
        assertEquals(0x3, rdmsr(Msrs.DEBUGCTL));
    }

    @Test
    void testApicBaseReadsTheXapicAtReset() {
        assertEquals(0xfee00900L, rdmsr(Apic.MSR_APIC_BASE), "EN, BSP, 0xfee00000 (the rules: ApicTest)");
    }

    @Test
    void testBrandStringIs48BytesAtMost() {
        assertTrue(CpuModel.BRAND.getBytes(StandardCharsets.US_ASCII).length < 48);
    }
}
