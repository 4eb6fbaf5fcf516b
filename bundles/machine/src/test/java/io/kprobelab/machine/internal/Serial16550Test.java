package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 16550A at COM1 as Linux's 8250 driver probes and drives it (National PC16550D data sheet):
 * autoconfig's tests (IER scratch, loopback MSR 0x90, FCR/IIR FIFO detection and the EFR,
 * SuperIO, XScale and 16750 probes it must fail), the THRE interrupt and the driver's THRE
 * re-assertion test, the receive FIFO with its trigger levels (received-data vs character
 * timeout, which this infinitely fast line reports at once below the trigger), line status
 * errors, the IIR priorities, loopback, and host input accepted at slice boundaries. IRQ 4 is
 * observed on a real 8259 model.
 */
class Serial16550Test {

    static final int RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    Serial16550 uart;
    Pic8259 pic;

    @BeforeEach
    void create() {
        uart = new Serial16550();
        pic = new Pic8259();
        pic.write(0x20, 0x11);
        pic.write(0x21, 0x30);
        pic.write(0x21, 0x04);
        pic.write(0x21, 0x01);
        pic.write(0x21, 0x00);
        uart.connect(pic);
        uart.reset();
    }

    /** True while IRQ 4's request is latched in the master's IRR. */
    boolean irq4Requested() {
        pic.write(0x20, 0x0a);
        return (pic.read(0x20) & 0x10) != 0;
    }

    /** Takes IRQ 4 as the CPU would (INTA, then EOI): true if it was delivered. */
    boolean takeIrq4() {
        if (!pic.intr()) {
            return false;
        }
        int v = pic.acknowledge();
        pic.write(0x20, 0x20);
        return v == 0x34;
    }

    @Test
    void testLinuxAutoconfig_findsA16550A_andNothingMore() {
        // IER scratch test: 0 and 0x0f read back
        uart.write(IER, 0);
        assertEquals(0, uart.read(IER) & 0x0f);
        uart.write(IER, 0x0f);
        assertEquals(0x0f, uart.read(IER) & 0x0f);
        uart.write(IER, 0);
        // loopback test: MCR = LOOP | OUT2 | RTS; MSR's upper nibble must read 0x90 (DCD, CTS)
        int saveMcr = uart.read(MCR);
        uart.write(MCR, 0x10 | 0x0a);
        assertEquals(0x90, uart.read(MSR) & 0xf0);
        uart.write(MCR, saveMcr);
        // LCR 0xbf, EFR (offset 2) = 0, LCR 0
        uart.write(LCR, 0xbf);
        uart.write(2, 0);
        uart.write(LCR, 0);
        // FIFO: IIR bits 7:6 read 3 after FCR enables it
        uart.write(FCR, 0x01);
        assertEquals(3, uart.read(IIR) >> 6, "a 16550A's FIFO");
        // autoconfig_16550a: no EFR under LCR 0x80 or 0xbf (offset 2 reads the IIR, never 0)
        uart.write(LCR, 0x80);
        assertNotEquals(0, uart.read(2));
        uart.write(LCR, 0xbf);
        assertNotEquals(0, uart.read(2));
        // National SuperIO: offset 2 under LCR 0xe0 does not follow MCR's loop bit
        uart.write(LCR, 0);
        int status1 = uart.read(MCR);
        uart.write(LCR, 0xe0);
        int status2 = uart.read(2);
        assertEquals(0, (status1 ^ status2) & 0x10);
        uart.write(LCR, 0);
        uart.write(MCR, status1 ^ 0x10);
        uart.write(LCR, 0xe0);
        status2 = uart.read(2);
        uart.write(LCR, 0);
        uart.write(MCR, status1);
        assertEquals(0, (status2 ^ status1) & 0x10, "not a SuperIO: the loop bit does not show there");
        // XScale: IER bit 6 (UUE) does not stick
        uart.write(IER, 0x40);
        assertEquals(0, uart.read(IER) & 0x40);
        uart.write(IER, 0);
        // 16750: the 64-byte FIFO bit (FCR bit 5) must not show in IIR bit 5
        uart.write(FCR, 0x21);
        int s1 = uart.read(IIR) >> 5;
        uart.write(FCR, 0x01);
        uart.write(LCR, 0x80);
        uart.write(FCR, 0x21);
        int s2 = uart.read(IIR) >> 5;
        uart.write(FCR, 0x01);
        uart.write(LCR, 0);
        assertFalse(s1 == 6 && s2 == 7, "not a 16750");
        assertNotEquals(0xff, uart.read(LSR), "the LSR safety check of serial8250_startup");
    }

    @Test
    void testThreInterrupt_raisedWhenEnabled_clearedByIirRead_reassertedByAThrWrite() {
        assertEquals(0x60, uart.read(LSR) & 0x60, "THRE and TEMT: the line is infinitely fast");
        uart.write(IER, 0x02);
        assertTrue(irq4Requested(), "enabling THRI with an empty holding register interrupts at once");
        assertTrue(takeIrq4());
        assertEquals(0x02, uart.read(IIR) & 0x0f, "THRE is the source");
        assertEquals(0x01, uart.read(IIR) & 0x0f, "reading IIR with THRE as the source cleared it");
        uart.write(THR, 'x');
        assertTrue(takeIrq4(), "the byte left at once: THRE again, a new edge on IRQ 4");
        assertEquals(0x02, uart.read(IIR) & 0x0f);
        uart.write(IER, 0x00);
        uart.write(THR, 'y');
        assertEquals(0x01, uart.read(IIR) & 0x0f, "THRI disabled: no interrupt");
        assertFalse(takeIrq4());
        assertEquals("xy", uart.text());
    }

    @Test
    void testTheDriversThreReassertionTest_passes_noUartBugThre() {
        // serial8250_do_startup: IER = THRI, read IIR; IER = 0, IER = THRI, read IIR again
        uart.write(IER, 0x02);
        int iir1 = uart.read(IIR);
        uart.write(IER, 0);
        uart.write(IER, 0x02);
        int iir = uart.read(IIR);
        uart.write(IER, 0);
        assertEquals(0, iir1 & 0x01, "interrupt pending the first time");
        assertEquals(0, iir & 0x01, "and re-asserted: the driver does not set UART_BUG_THRE");
    }

    @Test
    void testHostInput_reachesTheReceiverAtTheSliceBoundary_rdaInterrupt() {
        uart.write(IER, 0x01);
        uart.input("ab".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, uart.read(LSR) & 0x01, "not before the vCPU thread accepts it");
        assertFalse(irq4Requested());
        assertEquals(2, uart.pendingInput());
        uart.acceptHostInput();
        assertEquals(1, uart.read(LSR) & 0x01, "data ready");
        assertTrue(takeIrq4());
        assertEquals(0x04, uart.read(IIR) & 0x0f, "FIFO off: received data available");
        assertEquals('a', uart.read(RBR));
        assertEquals(0x04, uart.read(IIR) & 0x0f, "the next byte moved into the holding register");
        assertEquals('b', uart.read(RBR));
        assertEquals(0x01, uart.read(IIR) & 0x0f);
        assertEquals(0, uart.read(LSR) & 0x01);
        assertEquals(0, uart.pendingInput());
    }

    @Test
    void testRxFifo_triggerLevels_receivedDataAboveThem_characterTimeoutBelow() {
        uart.write(FCR, 0x81); // FIFO on, trigger 8 (Linux's setting for a 16550A)
        uart.write(IER, 0x01);
        byte[] in = new byte[20];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) ('A' + i);
        }
        uart.input(in);
        uart.acceptHostInput();
        assertEquals(0xc4, uart.read(IIR), "16 bytes in the FIFO, at or above 8: RDA (FIFO bits set)");
        for (int i = 0; i < 8; i++) {
            assertEquals('A' + i, uart.read(RBR), "in order, refilled as it drains");
        }
        assertEquals(0xc4, uart.read(IIR), "12 left (the 4 queued ones moved in)");
        for (int i = 8; i < 16; i++) {
            uart.read(RBR);
        }
        assertEquals(0xcc, uart.read(IIR), "4 left, below the trigger: character timeout");
        while ((uart.read(LSR) & 1) != 0) {
            uart.read(RBR);
        }
        assertEquals(0xc1, uart.read(IIR));
        int[][] levels = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xc1, 14}};
        for (int[] l : levels) {
            uart.write(FCR, l[0] | 0x02); // reset the receive FIFO
            uart.input(new byte[l[1] - 1]);
            uart.acceptHostInput();
            assertEquals(l[1] == 1 ? 0xc1 : 0xcc, uart.read(IIR), "trigger " + l[1] + ", one byte short");
            uart.input(new byte[1]);
            uart.acceptHostInput();
            assertEquals(0xc4, uart.read(IIR), "trigger " + l[1] + " reached");
            uart.write(FCR, l[0] | 0x02);
        }
    }

    @Test
    void testFcr_receiveResetEmptiesTheFifo_disablingTheFifoToo_iirFifoBits() {
        uart.write(FCR, 0x01);
        uart.write(MCR, 0x10); // loopback: the bytes come back into our own FIFO
        uart.write(THR, 1);
        uart.write(THR, 2);
        assertEquals(1, uart.read(LSR) & 1);
        uart.write(FCR, 0x03);
        assertEquals(0, uart.read(LSR) & 1, "receive FIFO reset");
        uart.write(THR, 3);
        uart.write(FCR, 0x00);
        assertEquals(0, uart.read(LSR) & 1, "disabling the FIFOs empties them");
        assertEquals(0x00, uart.read(IIR) & 0xc0);
        uart.write(THR, 4);
        uart.write(THR, 5); // FIFO off: one holding register, the second byte overruns it
        assertEquals(0x03, uart.read(LSR) & 0x03, "DR and OE");
        assertEquals(4, uart.read(RBR));
    }

    @Test
    void testLineStatus_overrunRaisesRlsi_theHighestPriority_clearedByReadingLsr() {
        uart.write(FCR, 0x01);
        uart.write(MCR, 0x10);
        uart.write(IER, 0x0f); // all four sources
        for (int i = 0; i < 17; i++) {
            uart.write(THR, i);
        }
        assertEquals(0xc6, uart.read(IIR), "receiver line status outranks data and THRE");
        assertEquals(0x63, uart.read(LSR) & 0x63, "THRE, TEMT, OE, DR");
        assertEquals(0xc4, uart.read(IIR), "OE cleared by the LSR read: received data next");
        while ((uart.read(LSR) & 1) != 0) {
            uart.read(RBR);
        }
        assertEquals(0xc2, uart.read(IIR), "then THRE");
        assertEquals(0xc0, uart.read(IIR) & 0xcf, "then modem status (the loopback MCR write)");
        uart.read(MSR);
        assertEquals(0xc1, uart.read(IIR));
    }

    @Test
    void testLoopback_modemLinesMirrorMcr_deltaBits_msiInterrupt_noConsoleOutput() {
        uart.write(IER, 0x08);
        uart.write(MCR, 0x10);
        uart.read(MSR);
        uart.write(MCR, 0x1f); // DTR RTS OUT1 OUT2
        int msr = uart.read(MSR);
        assertEquals(0xf0, msr & 0xf0, "DCD (OUT2), RI (OUT1), DSR (DTR), CTS (RTS)");
        assertEquals(0x0b, msr & 0x0f, "DDCD, DDSR, DCTS; no TERI on a rising RI");
        assertEquals(0, uart.read(MSR) & 0x0f, "reading MSR clears the deltas");
        uart.write(MCR, 0x1b); // OUT1 off: the trailing edge of RI
        assertTrue(takeIrq4());
        assertEquals(0x00, uart.read(IIR) & 0x0f, "modem status interrupt");
        assertEquals(0x04, uart.read(MSR) & 0x0f, "TERI");
        uart.write(THR, 'z');
        assertEquals('z', uart.read(RBR));
        assertEquals("", uart.text(), "looped back, not transmitted");
        uart.write(MCR, 0x00);
        assertEquals(0xb0, uart.read(MSR) & 0xf0, "a terminal is attached: DCD, DSR, CTS");
    }

    @Test
    void testInterruptIsNotGatedByOut2_asDocumented() {
        uart.write(MCR, 0x00); // OUT2 clear: a PC would gate IRQ 4 off; this model does not
        uart.write(IER, 0x02);
        assertTrue(takeIrq4());
    }

    @Test
    void testDivisorLatch_scratch_lcr() {
        uart.write(LCR, 0x83);
        assertEquals(12, uart.read(0), "9600 baud at power-up");
        uart.write(0, 0x01);
        uart.write(1, 0x00); // 115200
        uart.write(LCR, 0x03);
        uart.write(IER, 0x05);
        uart.write(LCR, 0x83);
        assertEquals(0x01, uart.read(0));
        assertEquals(0x00, uart.read(1), "DLM, not IER");
        uart.write(LCR, 0x03);
        assertEquals(0x05, uart.read(IER));
        assertEquals(0x03, uart.read(LCR));
        uart.write(SCR, 0xa5);
        assertEquals(0xa5, uart.read(SCR));
    }
}
