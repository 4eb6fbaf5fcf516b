package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.Machines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local APIC as a device (SDM Vol. 3 Chapter 11), on the vCPU it belongs to: the reset
 * state, the priority rules of §11.8.3 (PPR from TPR and the highest in-service class,
 * acceptance above it), EOI of the highest in-service vector, the IRR/ISR/TMR read-back, LVT
 * masking while software-disabled, LINT0 as the 8259's virtual wire and the globally disabled
 * APIC, the timer (one-shot, periodic, every divide value, the current count), self IPIs
 * through the ICR and x2APIC SELF IPI, the x2APIC MSR interface with its #GP rules, and the
 * IA32_APIC_BASE transitions of §11.12.5. Kernel-mode code driving it through MMIO and MSRs is
 * in PlatformKernelTest.
 */
class ApicTest {

    Cpu cpu;
    Apic apic;

    @BeforeEach
    void create() {
        cpu = ((MachineImpl) Machines.create(1, 16)).vcpuImpl(0).cpu;
        apic = cpu.apic;
        apic.reset(0);
    }

    int rd(int off) {
        return apic.readRegister(off, 0);
    }

    void wr(int off, int v) {
        apic.writeRegister(cpu, off, v, 0);
    }

    /** The core takes whatever the APIC presents: returns the vector or -1. */
    int take() {
        int v = apic.deliverableVector();
        if (v >= 0) {
            apic.accept(v);
        }
        return v;
    }

    void enable() {
        wr(Apic.SVR, 0x1ff);
    }

    @Test
    void testResetState_xapicAtFeeBspEnabled_lvtMaskedButTheVirtualWire() {
        assertEquals(0xfee00000L | 0x800 | 0x100, apic.base, "EN and BSP at the default base");
        assertEquals(0, rd(Apic.ID));
        assertEquals(0x50014, rd(Apic.VERSION), "integrated APIC, version 0x14, max LVT 5");
        assertEquals(0xff, rd(Apic.SVR), "software-disabled, spurious vector 0xff");
        assertEquals(0xffffffff, rd(Apic.DFR), "flat model");
        assertEquals(0x10000, rd(Apic.LVT_TIMER));
        assertEquals(0x700, rd(Apic.LVT_LINT0), "ExtINT, as a PC BIOS leaves the BSP (virtual wire)");
        assertEquals(0x400, rd(Apic.LVT_LINT1), "NMI");
        assertEquals(0x10000, rd(Apic.LVT_ERROR));
        assertEquals(0xfee00000L, apic.mmioBase());
        apic.reset(1);
        assertEquals(1 << 24, rd(Apic.ID), "xAPIC ID in bits 31:24");
        assertEquals(0xfee00800L, apic.base, "not the BSP");
        assertEquals(0x10000, rd(Apic.LVT_LINT0), "only the BSP's LINT0 is the virtual wire");
    }

    @Test
    void testPpr_isTheHigherOfTprAndTheInServiceClass_andGatesAcceptance() {
        enable();
        apic.request(cpu, 0x41, false);
        assertEquals(0x41, take());
        assertEquals(0x40, rd(Apic.PPR), "ISR class 4, TPR 0");
        wr(Apic.TPR, 0x35);
        assertEquals(0x40, rd(Apic.PPR), "TPR class 3 < ISR class 4: PPR = ISRV[7:4], low nibble 0");
        wr(Apic.TPR, 0x47);
        assertEquals(0x47, rd(Apic.PPR), "TPR class equal: PPR = TPR");
        wr(Apic.TPR, 0x50);
        assertEquals(0x50, rd(Apic.PPR));
        apic.request(cpu, 0x5f, false);
        assertEquals(-1, take(), "0x5f's class is not above PPR's (5)");
        apic.request(cpu, 0x61, false);
        assertEquals(0x61, take(), "class 6 is");
        assertEquals(0x60, rd(Apic.PPR));
        wr(Apic.EOI, 0);
        wr(Apic.TPR, 0);
        assertEquals(0x5f, take(), "held in the IRR until the priority drops");
    }

    @Test
    void testEoi_endsTheHighestInService_readBackOfIrrIsrTmr() {
        enable();
        apic.request(cpu, 0x30, false);
        assertEquals(0x30, take());
        apic.request(cpu, 0xe1, true); // level-triggered: TMR
        assertEquals(0xe1, take());
        apic.request(cpu, 0x31, false);
        assertEquals(1 << 0x10 | 1 << 0x11, rd(Apic.IRR + 0x10) | rd(Apic.ISR + 0x10), "0x30 in service, 0x31 requested");
        assertEquals(1 << 1, rd(Apic.ISR + 0x70), "0xe1: word 7 bit 1");
        assertEquals(1 << 1, rd(Apic.TMR + 0x70));
        assertEquals(1 << 0x11, rd(Apic.IRR + 0x10));
        wr(Apic.EOI, 0);
        assertEquals(0, rd(Apic.ISR + 0x70), "EOI ended 0xe1, the highest");
        assertEquals(0, rd(Apic.TMR + 0x70));
        assertEquals(1 << 0x10, rd(Apic.ISR + 0x10), "0x30 still in service");
        assertEquals(-1, take(), "0x31 is in 0x30's class");
        wr(Apic.EOI, 0);
        assertEquals(0x31, take());
    }

    @Test
    void testIllegalVectors_setEsrOnTheNextWrite() {
        enable();
        apic.request(cpu, 0x05, false);
        assertFalse(apic.hasRequests(), "vectors 0-15 are not accepted");
        assertEquals(0, rd(Apic.ESR), "errors show after a write to the ESR");
        wr(Apic.ESR, 0);
        assertEquals(0x40, rd(Apic.ESR), "received illegal vector");
        wr(Apic.ESR, 0);
        assertEquals(0, rd(Apic.ESR));
    }

    @Test
    void testSoftwareDisabled_lvtWritesStayMasked_disablingMasksEveryEntry() {
        wr(Apic.LVT_TIMER, 0x40);
        assertEquals(0x10040, rd(Apic.LVT_TIMER), "software-disabled: the mask bit cannot be cleared");
        enable();
        wr(Apic.LVT_TIMER, 0x40);
        wr(Apic.LVT_ERROR, 0xfe);
        wr(Apic.LVT_LINT0, 0x700);
        assertEquals(0x40, rd(Apic.LVT_TIMER));
        wr(Apic.SVR, 0x0ff);
        assertEquals(0x10040, rd(Apic.LVT_TIMER));
        assertEquals(0x100fe, rd(Apic.LVT_ERROR));
        assertEquals(0x10700, rd(Apic.LVT_LINT0));
        assertEquals(0x10000, rd(Apic.LVT_CMCI) & 0x10000);
        wr(Apic.SVR, 0x1ff);
        assertEquals(0x10040, rd(Apic.LVT_TIMER), "enabling again does not unmask");
    }

    @Test
    void testLint0_virtualWireForThe8259_unlessMasked_orApicGloballyDisabled() {
        assertTrue(apic.acceptsExtInt(), "reset: LINT0 ExtINT unmasked");
        enable();
        wr(Apic.LVT_LINT0, 0x10700);
        assertFalse(apic.acceptsExtInt(), "masked");
        wr(Apic.LVT_LINT0, 0x000);
        assertFalse(apic.acceptsExtInt(), "fixed delivery, not ExtINT");
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, 0xfee00000L, 0), "global disable");
        assertTrue(apic.acceptsExtInt(), "§11.4.3: with the APIC disabled INTR goes straight to the core");
        apic.request(cpu, 0x40, false);
        assertEquals(-1, apic.deliverableVector(), "and nothing comes from the APIC");
    }

    @Test
    void testTimer_oneShot_currentCount_everyDivideValue() {
        enable();
        wr(Apic.LVT_TIMER, 0x40);
        int[] tdcr = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb};
        int[] div = {2, 4, 8, 16, 32, 64, 128, 1};
        for (int i = 0; i < tdcr.length; i++) {
            wr(Apic.TIMER_DIVIDE, tdcr[i]);
            assertEquals(tdcr[i], rd(Apic.TIMER_DIVIDE));
            apic.writeRegister(cpu, Apic.TIMER_INITIAL, 1000, 100);
            assertEquals(100 + 1000L * div[i], apic.timerAt, "divide by " + div[i]);
            assertEquals(1000, apic.readRegister(Apic.TIMER_CURRENT, 100));
            assertEquals(1000 - 1, apic.readRegister(Apic.TIMER_CURRENT, 100 + div[i]), "one tick per " + div[i]);
            assertEquals(1000, apic.readRegister(Apic.TIMER_CURRENT, 100 + div[i] - 1));
            assertEquals(1, apic.readRegister(Apic.TIMER_CURRENT, 100 + 1000L * div[i] - 1));
            assertEquals(0, apic.readRegister(Apic.TIMER_CURRENT, 100 + 1000L * div[i]));
            assertEquals(1000, rd(Apic.TIMER_INITIAL));
        }
        apic.expire(cpu, apic.timerAt);
        assertEquals(0x40, take());
        assertEquals(Apic.NEVER, apic.timerAt, "one-shot: stopped");
        assertEquals(0, apic.readRegister(Apic.TIMER_CURRENT, 5000));
    }

    @Test
    void testTimer_periodic_reloads_divideChangeMidCount_zeroStops_maskedExpiresSilently() {
        enable();
        wr(Apic.TIMER_DIVIDE, 0xb);
        wr(Apic.LVT_TIMER, 0x20000 | 0x41);
        apic.writeRegister(cpu, Apic.TIMER_INITIAL, 500, 0);
        apic.expire(cpu, 500);
        assertEquals(1000, apic.timerAt, "periodic: re-armed one period on");
        assertEquals(250, apic.readRegister(Apic.TIMER_CURRENT, 750));
        apic.expire(cpu, 2700); // late by more than two periods: the grid is kept
        assertEquals(3000, apic.timerAt);
        assertEquals(0x41, take());
        apic.writeRegister(cpu, Apic.TIMER_DIVIDE, 0x0, 2800); // 200 left, now counting by 2
        assertEquals(2800 + 400, apic.timerAt);
        assertEquals(200, apic.readRegister(Apic.TIMER_CURRENT, 2800));
        wr(Apic.LVT_TIMER, 0x30041); // masked, periodic
        apic.expire(cpu, apic.timerAt);
        assertFalse(apic.hasRequests(), "a masked timer counts but requests nothing");
        assertTrue(apic.timerAt != Apic.NEVER);
        apic.writeRegister(cpu, Apic.TIMER_INITIAL, 0, 4000);
        assertEquals(Apic.NEVER, apic.timerAt, "initial count 0 stops it");
        wr(Apic.LVT_TIMER, 0x41);
        apic.writeRegister(cpu, Apic.TIMER_INITIAL, 10, 5000);
        wr(Apic.LVT_TIMER, 0x20041);
        assertEquals(Apic.NEVER, apic.timerAt, "a mode change disarms the timer");
    }

    @Test
    void testSelfIpi_throughTheIcr_shorthandsAndDestinations() {
        enable();
        wr(Apic.ICR_LO, 0x40000 | 0x51); // self
        assertEquals(0x51, take());
        wr(Apic.EOI, 0);
        wr(Apic.ICR_LO, 0x80000 | 0x52); // all including self
        assertEquals(0x52, take());
        wr(Apic.EOI, 0);
        wr(Apic.ICR_LO, 0xc0000 | 0x53); // all excluding self: nobody else on this APIC bus
        assertEquals(-1, take());
        wr(Apic.ICR_HI, 0);
        wr(Apic.ICR_LO, 0x54); // physical destination 0: us
        assertEquals(0x54, take());
        wr(Apic.EOI, 0);
        wr(Apic.ICR_HI, 0xff << 24);
        wr(Apic.ICR_LO, 0x55); // broadcast
        assertEquals(0x55, take());
        wr(Apic.EOI, 0);
        wr(Apic.ICR_HI, 3 << 24);
        wr(Apic.ICR_LO, 0x56); // another APIC
        assertEquals(-1, take());
        wr(Apic.ICR_LO, 0x40000 | 0x400 | 0x57); // NMI delivery mode: not a fixed vector
        assertEquals(-1, take());
        assertEquals(0x40000 | 0x400 | 0x57, rd(Apic.ICR_LO), "delivery status always idle");
    }

    @Test
    void testX2apic_msrInterface_idLdrSelfIpiIcr_andItsGpRules() {
        assertNull(apic.readMsr(0x802, 0), "xAPIC mode: the x2APIC MSRs #GP");
        assertFalse(apic.writeMsr(cpu, 0x808, 0, 0));
        apic.id = 0x23;
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, 0xfee00000L | 0xc00, 0), "xAPIC -> x2APIC");
        assertEquals(-1, apic.mmioBase(), "the MMIO page is off in x2APIC mode");
        assertEquals(0x23L, apic.readMsr(0x802, 0), "the 32-bit x2APIC ID");
        assertEquals((2L << 16) | (1 << 3), apic.readMsr(0x80d, 0), "LDR: cluster 2, bit 3");
        assertTrue(apic.writeMsr(cpu, 0x80f, 0x1ff, 0));
        assertTrue(apic.writeMsr(cpu, 0x83f, 0x61, 0), "SELF IPI");
        assertEquals(0x61, take());
        assertTrue(apic.writeMsr(cpu, 0x80b, 0, 0), "EOI");
        assertTrue(apic.writeMsr(cpu, 0x830, (0x23L << 32) | 0x62, 0), "ICR: one 64-bit MSR, destination in 63:32");
        assertEquals(0x62, take());
        assertEquals((0x23L << 32) | 0x62, apic.readMsr(0x830, 0));
        assertTrue(apic.writeMsr(cpu, 0x80b, 0, 0), "EOI");
        // read-only, write-only, reserved and absent registers
        for (int msr : new int[] {0x80b, 0x83f, 0x80e, 0x809, 0x80c, 0x831, 0x801, 0x8ff}) {
            assertNull(apic.readMsr(msr, 0), "RDMSR " + Integer.toHexString(msr));
        }
        for (int msr : new int[] {0x802, 0x803, 0x80a, 0x80d, 0x810, 0x818, 0x820, 0x839, 0x80e, 0x831}) {
            assertFalse(apic.writeMsr(cpu, msr, 0, 0), "WRMSR " + Integer.toHexString(msr));
        }
        assertFalse(apic.writeMsr(cpu, 0x80b, 1, 0), "EOI takes 0 only");
        assertFalse(apic.writeMsr(cpu, 0x828, 1, 0), "ESR takes 0 only");
        assertFalse(apic.writeMsr(cpu, 0x808, 1L << 32, 0), "reserved upper half");
        assertTrue(apic.writeMsr(cpu, 0x808, 0x20, 0));
        assertEquals(0x20L, apic.readMsr(0x808, 0));
    }

    @Test
    void testApicBase_transitionsAndReservedBits() {
        long x = 0xfee00000L;
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0x800 | 0x1, 0), "bit 0 reserved");
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0x800 | 0x200, 0), "bit 9 reserved");
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, (1L << 40) | x | 0x800, 0), "at or above MAXPHYADDR (40)");
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0x400, 0), "EXTD without EN is invalid");
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0xc00, 0), "xAPIC -> x2APIC");
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0x800, 0), "x2APIC -> xAPIC is invalid");
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0xc00, 0), "x2APIC -> x2APIC: no change");
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x, 0), "x2APIC -> disabled");
        assertFalse(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, x | 0xc00, 0), "disabled -> x2APIC is invalid");
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, 0xfed00000L | 0x800, 0), "disabled -> xAPIC, relocated");
        assertEquals(0xfed00000L | 0x900, apic.readMsr(Apic.MSR_APIC_BASE, 0), "BSP kept");
        assertEquals(0xfed00000L, apic.mmioBase());
        assertEquals(0x50014L, cpu.mmioRead(0xfed00030L, 4), "the version register at the new base");
        assertEquals(0xffffffffL, cpu.mmioRead(0xfee00030L, 4), "nothing left at the old one");
    }

    @Test
    void testGlobalDisable_resetsTheApicState() {
        enable();
        wr(Apic.TPR, 0x40);
        apic.request(cpu, 0x80, false);
        wr(Apic.LVT_TIMER, 0x41);
        apic.writeRegister(cpu, Apic.TIMER_INITIAL, 100, 0);
        assertTrue(apic.writeMsr(cpu, Apic.MSR_APIC_BASE, 0xfee00100L, 0));
        assertEquals(0, rd(Apic.TPR));
        assertFalse(apic.hasRequests());
        assertEquals(Apic.NEVER, apic.timerAt);
        assertEquals(0xff, rd(Apic.SVR));
    }
}
