package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cascaded 8259A pair against the Intel 8259A data sheet (231468): the initialization
 * sequence as Linux's init_8259A writes it, the mask register and its read-back (Linux's
 * probe_8259A), edge and level triggering (ELCR), fully nested priority and rotation,
 * specific and non-specific EOI, automatic EOI, the IRR/ISR read-back of OCW3, poll mode,
 * spurious IRQ 7 and 15, and the cascade through IRQ 2.
 */
class Pic8259Test {

    Pic8259 pic;

    /** Linux 6.1's init_8259A(0): vectors 0x30 and 0x38, slave on IRQ 2, 8086 mode, normal EOI. */
    void initLikeLinux(boolean autoEoi) {
        pic.write(0x21, 0xff);           // mask all of the master
        pic.write(0x20, 0x11);           // ICW1: edge, cascade, ICW4 needed
        pic.write(0x21, 0x30);           // ICW2: vector base 0x30
        pic.write(0x21, 0x04);           // ICW3: slave on IR2
        pic.write(0x21, autoEoi ? 0x03 : 0x01); // ICW4: 8086 mode (and AEOI)
        pic.write(0xa0, 0x11);
        pic.write(0xa1, 0x38);
        pic.write(0xa1, 0x02);           // ICW3: slave identity 2
        pic.write(0xa1, 0x01);
        pic.write(0x21, 0x00);           // unmask everything (Linux restores its cached masks)
        pic.write(0xa1, 0x00);
    }

    @BeforeEach
    void create() {
        pic = new Pic8259();
    }

    /** Fires an edge on {@code irq} (low, high, low). */
    void pulse(int irq) {
        pic.setIrq(irq, true);
        pic.setIrq(irq, false);
    }

    int readIrr(int cmdPort) {
        pic.write(cmdPort, 0x0a); // OCW3: read IRR
        return pic.read(cmdPort);
    }

    int readIsr(int cmdPort) {
        pic.write(cmdPort, 0x0b); // OCW3: read ISR
        return pic.read(cmdPort);
    }

    @Test
    void testPowerUp_everythingMasked_noInterrupt() {
        assertEquals(0xff, pic.read(0x21));
        assertEquals(0xff, pic.read(0xa1));
        pulse(3);
        assertFalse(pic.intr());
    }

    @Test
    void testLinuxProbe_maskWrittenAndReadBack() {
        // probe_8259A: mask the slave, write 0xfb to the master mask, read it back
        pic.write(0xa1, 0xff);
        pic.write(0x21, 0xfb);
        assertEquals(0xfb, pic.read(0x21), "a mismatch makes Linux select the null PIC");
        assertEquals(0xff, pic.read(0xa1));
    }

    @Test
    void testIcw1_clearsTheMask_resetsPriorityAndReadSelection_keepsElcr() {
        pic.write(0x4d0, 0xff);
        pic.write(0x20, 0x11);
        assertEquals(0x00, pic.read(0x21), "ICW1 clears the mask register (data sheet)");
        pic.write(0x21, 0x30);
        pic.write(0x21, 0x04);
        pic.write(0x21, 0x01);
        assertEquals(0x00, pic.read(0x21), "ICW2-4 went to the init sequence, not to the mask");
        assertEquals(0xf8, pic.read(0x4d0), "ELCR survives; IRQ 0, 1, 2 cannot be level-triggered");
        pic.write(0x4d1, 0xff);
        assertEquals(0xde, pic.read(0x4d1), "nor IRQ 8 and 13");
    }

    @Test
    void testInitLikeLinux_vectors_andTheSingleModeSkipsIcw3() {
        initLikeLinux(false);
        pulse(1);
        assertTrue(pic.intr());
        assertEquals(0x31, pic.acknowledge());
        pulse(12);
        pic.write(0x20, 0x20); // EOI IRQ 1
        assertEquals(0x3c, pic.acknowledge(), "IRQ 12 through the slave");
        // single mode (SNGL): ICW3 is not expected
        Pic8259 single = new Pic8259();
        single.write(0x20, 0x13); // ICW1: single, ICW4 needed
        single.write(0x21, 0x50);
        single.write(0x21, 0x01); // ICW4, not ICW3
        single.write(0x21, 0xfe); // OCW1
        assertEquals(0xfe, single.read(0x21));
        single.setIrq(0, true);
        assertEquals(0x50, single.acknowledge());
    }

    @Test
    void testEdgeTriggered_latchesTheRisingEdge_levelDoesNotRepeat() {
        initLikeLinux(false);
        pic.setIrq(4, true);
        pic.setIrq(4, false); // gone before INTA: the edge stays latched
        assertEquals(0x10, readIrr(0x20));
        assertEquals(0x34, pic.acknowledge());
        assertEquals(0, readIrr(0x20), "an edge request is consumed by INTA");
        assertEquals(0x10, readIsr(0x20));
        pic.write(0x20, 0x20);
        pic.setIrq(4, true);
        assertEquals(0x34, pic.acknowledge());
        pic.write(0x20, 0x20);
        pic.setIrq(4, true); // still high: no new edge
        assertFalse(pic.intr());
        pic.setIrq(4, false);
        pic.setIrq(4, true);
        assertTrue(pic.intr(), "low then high again: a new request");
    }

    @Test
    void testLevelTriggered_followsTheLine_andReassertsAfterEoi() {
        initLikeLinux(false);
        pic.write(0x4d0, 0x20); // IRQ 5 level-triggered
        pic.setIrq(5, true);
        assertEquals(0x35, pic.acknowledge());
        assertEquals(0x20, readIrr(0x20), "the IRR follows the line, INTA does not clear it");
        assertFalse(pic.intr(), "in service");
        pic.write(0x20, 0x20);
        assertTrue(pic.intr(), "still asserted after EOI: requested again");
        pic.setIrq(5, false);
        assertEquals(0, readIrr(0x20));
        assertFalse(pic.intr());
    }

    @Test
    void testSpuriousIrq7_whenTheLevelRequestWentAway_isrUntouched() {
        initLikeLinux(false);
        pic.write(0x4d0, 0x20);
        pic.setIrq(5, true);
        assertTrue(pic.intr());
        pic.setIrq(5, false); // gone before the INTA cycle
        assertEquals(0x37, pic.acknowledge(), "IR7's vector");
        assertEquals(0, readIsr(0x20), "a spurious IRQ 7 sets no ISR bit (Linux checks it to tell)");
    }

    @Test
    void testSpuriousIrq15_throughTheCascade_masterIr2InService() {
        initLikeLinux(false);
        pic.write(0x4d1, 0x02); // IRQ 9 level-triggered
        pic.setIrq(9, true);
        assertTrue(pic.intr());
        pic.setIrq(9, false);
        // the slave's INT drops, but the master latched the edge on IR2
        assertEquals(0x3f, pic.acknowledge(), "the slave answers with IR7: vector 0x3f");
        assertEquals(0x04, readIsr(0x20), "the master has IR2 in service (Linux EOIs it)");
        assertEquals(0x00, readIsr(0xa0));
    }

    @Test
    void testFullyNestedPriority_higherPreemptsLower_lowerWaitsForEoi() {
        initLikeLinux(false);
        pulse(5);
        assertEquals(0x35, pic.acknowledge());
        pulse(6);
        assertFalse(pic.intr(), "IRQ 6 is lower than IRQ 5 in service");
        pulse(3);
        assertTrue(pic.intr(), "IRQ 3 is higher");
        assertEquals(0x33, pic.acknowledge());
        assertEquals(0x28, readIsr(0x20));
        pic.write(0x20, 0x20); // non-specific EOI: the highest in service, IRQ 3
        assertEquals(0x20, readIsr(0x20));
        assertFalse(pic.intr());
        pic.write(0x20, 0x20);
        assertEquals(0x36, pic.acknowledge());
    }

    @Test
    void testSpecificEoi_asLinuxSendsIt_forMasterAndSlave() {
        initLikeLinux(false);
        pulse(3);
        pulse(5);
        assertEquals(0x33, pic.acknowledge());
        pic.write(0x20, 0x60 | 3); // specific EOI IRQ 3 (mask_and_ack_8259A)
        assertEquals(0x35, pic.acknowledge());
        pic.write(0x20, 0x60 | 5);
        assertEquals(0, readIsr(0x20));
        pulse(14);
        assertEquals(0x3e, pic.acknowledge());
        assertEquals(0x40, readIsr(0xa0));
        assertEquals(0x04, readIsr(0x20));
        pic.write(0xa0, 0x60 | 6); // slave: specific EOI IR6
        pic.write(0x20, 0x60 | 2); // master: specific EOI of the cascade input
        assertEquals(0, readIsr(0xa0));
        assertEquals(0, readIsr(0x20));
    }

    @Test
    void testSlaveRequestsWaitWhileTheCascadeIsInService_thenComeThrough() {
        initLikeLinux(false);
        pulse(9);
        assertEquals(0x39, pic.acknowledge());
        pulse(8);
        assertFalse(pic.intr(), "fully nested: master IR2 in service blocks the slave's next request");
        pic.write(0xa0, 0x20);
        pic.write(0x20, 0x20);
        assertTrue(pic.intr());
        assertEquals(0x38, pic.acknowledge());
    }

    @Test
    void testSpecialFullyNested_letsAHigherSlaveRequestThroughTheMaster() {
        pic.write(0x20, 0x11);
        pic.write(0x21, 0x30);
        pic.write(0x21, 0x04);
        pic.write(0x21, 0x11); // ICW4: SFNM, 8086
        pic.write(0xa0, 0x11);
        pic.write(0xa1, 0x38);
        pic.write(0xa1, 0x02);
        pic.write(0xa1, 0x01);
        pulse(10);
        assertEquals(0x3a, pic.acknowledge());
        pulse(9);
        assertTrue(pic.intr(), "IRQ 9 outranks IRQ 10 inside the slave");
        assertEquals(0x39, pic.acknowledge());
    }

    @Test
    void testRotation_onNonSpecificEoi_setPriority_andSpecificRotate() {
        initLikeLinux(false);
        pulse(1);
        assertEquals(0x31, pic.acknowledge());
        pic.write(0x20, 0xa0); // rotate on non-specific EOI: IRQ 1 becomes the lowest
        pulse(1);
        pulse(7);
        assertEquals(0x37, pic.acknowledge(), "priority now 2..7, 0, 1");
        pic.write(0x20, 0x20);
        assertEquals(0x31, pic.acknowledge());
        pic.write(0x20, 0x20);
        pic.write(0x20, 0xc0 | 4); // set priority: IRQ 4 lowest, IRQ 5 highest
        pulse(0);
        pulse(6);
        assertEquals(0x36, pic.acknowledge(), "6 before 0 with 5 highest");
        pic.write(0x20, 0xe0 | 6); // rotate on specific EOI 6: 6 lowest, 7 highest
        pulse(7);
        assertEquals(0x37, pic.acknowledge(), "7 now outranks the pending 0");
    }

    @Test
    void testAutoEoi_noIsrBit_andRotateInAutoEoiMode() {
        initLikeLinux(true);
        pulse(3);
        assertEquals(0x33, pic.acknowledge());
        assertEquals(0, readIsr(0x20), "AEOI: the INTA cycle ends the interrupt");
        pulse(4);
        assertTrue(pic.intr(), "nothing in service blocks IRQ 4");
        assertEquals(0x34, pic.acknowledge());
        pic.write(0x20, 0x80); // rotate in AEOI mode: set
        pulse(5);
        assertEquals(0x35, pic.acknowledge());
        pulse(5);
        pulse(6);
        assertEquals(0x36, pic.acknowledge(), "5 became the lowest after its AEOI");
        pic.write(0x20, 0x00); // rotate in AEOI mode: clear
    }

    @Test
    void testOcw3_irrAndIsrReadBack_selectionSticks_pollMode() {
        initLikeLinux(false);
        pic.write(0x21, 0x08); // mask IRQ 3: the IRR still shows it
        pulse(3);
        pulse(6);
        assertEquals(0x48, readIrr(0x20));
        assertEquals(0x48, pic.read(0x20), "the selection stays IRR until changed");
        assertEquals(0x36, pic.acknowledge());
        assertEquals(0x40, readIsr(0x20));
        assertEquals(0x40, pic.read(0x20), "and ISR");
        pic.write(0x20, 0x08); // OCW3 with RR clear: no change of the selection
        assertEquals(0x40, pic.read(0x20));
        // poll: the next read is the poll word and acknowledges the request
        pic.write(0x20, 0x20);
        pic.write(0x21, 0x00);
        pic.write(0x20, 0x0c); // OCW3: poll
        assertEquals(0x83, pic.read(0x20), "0x80 | IRQ 3");
        assertEquals(0x08, readIsr(0x20), "the poll read acknowledged it");
        pic.write(0x20, 0x20);
        pic.write(0x20, 0x0c);
        assertEquals(0x00, pic.read(0x20), "nothing pending");
    }

    @Test
    void testSpecialMaskMode_maskedInServiceLevelDoesNotBlockLowerOnes() {
        initLikeLinux(false);
        pulse(3);
        assertEquals(0x33, pic.acknowledge());
        pulse(5);
        assertFalse(pic.intr());
        pic.write(0x20, 0x68); // OCW3: set special mask mode
        pic.write(0x21, 0x08); // the handler masks its own level
        assertTrue(pic.intr(), "IRQ 5 comes through while 3 is in service, masked");
        assertEquals(0x35, pic.acknowledge());
        pic.write(0x20, 0x48); // reset special mask mode
    }

    @Test
    void testMaskedRequestStaysPending_untilUnmasked() {
        initLikeLinux(false);
        pic.write(0x21, 0x01);
        pulse(0);
        assertFalse(pic.intr());
        pic.write(0x21, 0x00);
        assertTrue(pic.intr());
        assertEquals(0x30, pic.acknowledge());
        pic.write(0x20, 0x20);
        pic.write(0xa1, 0x10);
        pulse(12);
        assertFalse(pic.intr(), "a masked slave input does not reach IR2");
        pic.write(0xa1, 0x00);
        assertEquals(0x3c, pic.acknowledge());
    }
}
