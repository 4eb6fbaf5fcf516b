package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Trap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of the x87 state instructions and FXSAVE/FXRSTOR that the differential test cannot
 * compare with an AMD host, checked against the Intel behaviour the machine models (SDM Vol. 1
 * §8.1, Vol. 2A FXSAVE/FXRSTOR/FSTENV): MXCSR_MASK, the last-instruction pointers (always saved;
 * FCS/FDS deprecated), the fault address of a 512-byte access, and the CR0 bits that turn the
 * instructions into #NM or leave a pending exception alone. Run in ring 0 in bare mode.
 */
class FpuTest {

    static final long DATA = TestImage.DATA;

    Machine m;
    Cpu cpu;
    final TestImage img = new TestImage();

    /** Adds a function from its bytes, written as "0f ae 07 c3". */
    void fn(String name, String hex) {
        String[] b = hex.trim().split("\\s+");
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = Integer.parseInt(b[i], 16);
        }
        img.function(name, v);
    }

    @BeforeEach
    void load() {
        fn("fxsave32", "0f ae 07 c3");        // fxsave [rdi]; ret
        fn("fxsave64", "48 0f ae 07 c3");     // fxsave64 [rdi]; ret
        fn("fxrstor32", "0f ae 0f c3");       // fxrstor [rdi]; ret
        fn("fxrstor64", "48 0f ae 0f c3");    // fxrstor64 [rdi]; ret
        fn("fninit", "db e3 c3");             // fninit; ret
        fn("fwait", "9b c3");                 // fwait; ret
        fn("fnstenv", "d9 37 c3");            // fnstenv [rdi]; ret
        m = Machines.create(1, 16);
        m.loadBare(img);
        cpu = ((MachineImpl) m).vcpuImpl(0).cpu;
    }

    byte[] read(long va, int n) throws Exception {
        return m.memory().read(va, n);
    }

    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    /** A 512-byte image: MXCSR 0x1f80, the given pointer fields, zeros elsewhere. */
    void image(long at, int fcw, int fsw, int fop, long fip, long fdp) throws Exception {
        byte[] b = new byte[512];
        long[] fields = {fcw, 0, fsw, 2, fop, 6, fip, 8, fdp, 16, 0x1f80, 24};
        int[] sizes = {2, 2, 2, 8, 8, 4};
        for (int f = 0; f < 6; f++) {
            for (int k = 0; k < sizes[f]; k++) {
                b[(int) fields[2 * f + 1] + k] = (byte) (fields[2 * f] >>> (8 * k));
            }
        }
        m.memory().write(at, b, 0, 512);
    }

    @Test
    void testFxsave_mxcsrMaskIs0xffff_andBytes416To511AreNotWritten() throws Exception {
        byte[] fill = new byte[512];
        java.util.Arrays.fill(fill, (byte) 0xcc);
        m.memory().write(DATA, fill, 0, 512);
        m.call("fninit");
        m.call("fxsave64", DATA);
        byte[] b = read(DATA, 512);
        assertEquals(0xffff, le(b, 28, 4), "MXCSR_MASK: all of 15:0 (DAZ), nothing above (SDM Vol. 1 §11.6.6)");
        assertEquals(0x1f80, le(b, 24, 4), "MXCSR at power-up");
        assertEquals(0x37f, le(b, 0, 2), "FCW after FNINIT");
        for (int i = 416; i < 512; i++) {
            assertEquals((byte) 0xcc, b[i], "byte " + i + " is reserved or available to software");
        }
    }

    @Test
    void testFxrstor64Fxsave64_keepTheLastInstructionPointers_fopTo11Bits() throws Exception {
        image(DATA, 0x37f, 0, 0xffff, 0x123456789abcdef0L, 0xfedcba9876543210L);
        m.call("fxrstor64", DATA);
        assertEquals(0x7ff, cpu.fop, "FOP is 11 bits");
        assertEquals(0x123456789abcdef0L, cpu.fip);
        m.call("fxsave64", DATA + 0x200);
        byte[] b = read(DATA + 0x200, 24);
        assertEquals(0x7ff, le(b, 6, 2));
        assertEquals(0x123456789abcdef0L, le(b, 8, 8), "Intel saves FIP whether or not an exception is pending");
        assertEquals(0xfedcba9876543210L, le(b, 16, 8));
    }

    @Test
    void testFxsave32_lowHalvesOfThePointers_fcsAndFdsStoredAsZero() throws Exception {
        image(DATA, 0x37f, 0, 0x123, 0x123456789abcdef0L, 0xfedcba9876543210L);
        m.call("fxrstor64", DATA);
        m.call("fxsave32", DATA + 0x200);
        byte[] b = read(DATA + 0x200, 24);
        assertEquals(0x123, le(b, 6, 2));
        assertEquals(0x9abcdef0L, le(b, 8, 4), "FPU IP offset");
        assertEquals(0, le(b, 12, 4), "FCS deprecated (CPUID.(EAX=7,ECX=0):EBX[13]), reserved half 0");
        assertEquals(0x76543210L, le(b, 16, 4), "FPU DP offset");
        assertEquals(0, le(b, 20, 4), "FDS deprecated, reserved half 0");
    }

    @Test
    void testFxrstor32_loadsTheOffsetsOnly_upperHalvesZero() throws Exception {
        image(DATA, 0x37f, 0, 0, 0x123456789abcdef0L, 0xfedcba9876543210L);
        m.call("fxrstor32", DATA);
        assertEquals(0x9abcdef0L, cpu.fip, "bytes 12-15 are FCS and reserved in the 32-bit format");
        assertEquals(0x76543210L, cpu.fdp);
    }

    @Test
    void testFninit_resetsControlStatusTagsAndPointers_keepsRegistersAndMxcsr() throws Exception {
        image(DATA, 0x0, 0x3800, 0x7ff, -1L, -1L);
        m.memory().write(DATA + 4, new byte[] {(byte) 0xff}, 0, 1); // every register valid
        m.memory().write(DATA + 24, new byte[] {0x40, 0x1f}, 0, 2); // MXCSR 0x1f40
        m.memory().write(DATA + 32, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 10); // ST(0) = R7
        m.call("fxrstor64", DATA);
        m.call("fninit");
        assertEquals(0x37f, cpu.fcw);
        assertEquals(0, cpu.fsw, "TOP = 0 too");
        assertEquals(0, cpu.ftw, "all empty");
        assertEquals(0, cpu.fop);
        assertEquals(0, cpu.fip);
        assertEquals(0, cpu.fdp);
        assertEquals(0x1f40, cpu.mxcsr, "FNINIT leaves MXCSR alone");
        m.call("fxsave64", DATA + 0x200);
        byte[] b = read(DATA + 0x200, 160);
        // R7 was ST(0) under TOP = 7; with TOP = 0 it is ST(7), in the last slot
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, java.util.Arrays.copyOfRange(b, 32 + 7 * 16, 42 + 7 * 16));
    }

    @Test
    void testFnstenv_tagsFromTheContents_byPhysicalRegister() throws Exception {
        image(DATA, 0x37f, 0x2000, 0, 0, 0); // TOP = 4
        byte[] ftw = {(byte) 0x0f}; // R0-R3 in use: ST(4)-ST(7)
        m.memory().write(DATA + 4, ftw, 0, 1);
        byte[][] st = {
            {0, 0, 0, 0, 0, 0, 0, (byte) 0x80, (byte) 0xff, 0x3f},   // ST(4) = R0: 1.0, valid
            {0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80},                // ST(5) = R1: -0, zero
            {0, 0, 0, 0, 0, 0, 0, (byte) 0x80, (byte) 0xff, 0x7f},   // ST(6) = R2: infinity, special
            {1, 0, 0, 0, 0, 0, 0, 0, 0, 0x40},                       // ST(7) = R3: unnormal, special
        };
        for (int i = 0; i < 4; i++) {
            m.memory().write(DATA + 32 + 16L * (4 + i), st[i], 0, 10);
        }
        m.call("fxrstor64", DATA);
        m.call("fnstenv", DATA + 0x200);
        byte[] env = read(DATA + 0x200, 28);
        assertEquals(0xffff0000L | 0b11_11_11_11_10_10_01_00, le(env, 8, 4), "R7..R0: empty x4, special, special, zero, valid");
        assertEquals(0xffff0000L, le(env, 24, 4), "FDS 0 and the reserved upper half all ones");
        assertEquals(0x37f | 0x3f, cpu.fcw, "FNSTENV masks every exception afterwards");
    }

    @Test
    void testFxsaveCrossingIntoAnUnmappedPage_faultsOnItsFirstByte_writesNothing() throws Exception {
        long at = DATA + 0xf00; // the page after DATA is not mapped
        byte[] before = read(at, 0x100);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("fxsave64", at));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(DATA + 0x1000, o.trap().address(), "CR2: the first byte on the page that faulted");
        assertEquals(2, o.trap().errorCode(), "not present, write, supervisor");
        assertArrayEquals(before, read(at, 0x100), "the store is all or nothing");
        // only 416 bytes are written, but all 512 of the operand must be writable
        GuestOops o2 = assertThrows(GuestOops.class, () -> m.call("fxsave64", DATA + 0xe60));
        assertEquals(DATA + 0x1000, o2.trap().address());
    }

    @Test
    void testFxrstorCrossingIntoAnUnmappedPage_faults_changesNothing() throws Exception {
        m.memory().write(DATA + 0xf00, new byte[32], 0, 32); // FCW 0 ...
        m.memory().write(DATA + 0xf18, new byte[] {(byte) 0x80, 0x1f}, 0, 2); // ... MXCSR 0x1f80
        m.call("fninit");
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("fxrstor64", DATA + 0xf00));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(DATA + 0x1000, o.trap().address());
        assertEquals(0, o.trap().errorCode(), "not present, read, supervisor");
        assertEquals(0x37f, cpu.fcw, "FCW not loaded");
    }

    @Test
    void testFxsaveFxrstor_unaligned_gp0() {
        for (String f : new String[] {"fxsave32", "fxsave64", "fxrstor32", "fxrstor64"}) {
            GuestOops o = assertThrows(GuestOops.class, () -> m.call(f, DATA + 8));
            assertEquals(Trap.GP, o.trap().vector(), f);
            assertEquals(0, o.trap().errorCode(), f);
        }
    }

    @Test
    void testCr0Ts_x87AndFxsaveRaiseNm_fwaitOnlyWithMp() {
        cpu.cr0 |= Cpu.CR0_TS;
        for (String f : new String[] {"fninit", "fnstenv", "fxsave64", "fxrstor64"}) {
            GuestOops o = assertThrows(GuestOops.class, () -> m.call(f, DATA));
            assertEquals(Trap.NM, o.trap().vector(), f);
        }
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("fwait"), "TS and MP (bare mode sets MP)");
        assertEquals(Trap.NM, o.trap().vector());
        cpu.cr0 &= ~2L; // MP clear: WAIT ignores TS (SDM Vol. 3 Table 2-2)
        m.call("fwait");
        cpu.cr0 &= ~Cpu.CR0_TS;
        cpu.cr0 |= Cpu.CR0_EM;
        assertEquals(Trap.NM, assertThrows(GuestOops.class, () -> m.call("fninit")).trap().vector(), "EM");
        m.call("fwait"); // EM does not affect WAIT
    }

    @Test
    void testPendingException_mfOnlyWithCr0Ne() throws Exception {
        image(DATA, 0x37e, 0x1, 0, 0, 0); // IE set and unmasked: pending
        m.call("fxrstor64", DATA);
        assertEquals(0x8081, cpu.fsw, "ES and B follow the unmasked exception");
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("fwait"));
        assertEquals(Trap.MF, o.trap().vector());
        cpu.cr0 &= ~Cpu.CR0_NE; // the PC's FERR#/IRQ 13 path is not modelled: nothing happens
        m.call("fwait");
        assertEquals(0x8081, cpu.fsw, "still pending");
    }
}
