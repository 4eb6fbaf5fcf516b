package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The 8254 through its ports, against the Intel 82C54 data sheet (231244): each mode's OUT and
 * counting-element values pulse by pulse, BCD, the latch and read-back commands, the
 * LSB/MSB flip-flops, counter 2's gate and output on port 0x61, and the IRQ 0 edge schedule.
 *
 * <p>Time is given in CLK pulses: {@code at(p)} is the virtual time at which pulse p falls, so an
 * access at {@code at(p)} sees pulses 1..p. A count written there is loaded on pulse p + 1.
 */
class Pit8254Test {

    final IoPorts io = new IoPorts();
    final Pit8254 pit = io.pit;

    static long at(long pulse) {
        return Pit8254.timeOfPulse(pulse);
    }

    void out(long pulse, int port, int v) {
        io.now = at(pulse);
        io.out(port, 1, v);
    }

    int in(long pulse, int port) {
        io.now = at(pulse);
        return (int) io.in(port, 1);
    }

    /** Counter {@code ch} read LSB then MSB at pulse {@code p} (rw mode 3). */
    int count(long p, int ch) {
        return in(p, 0x40 + ch) | in(p, 0x40 + ch) << 8;
    }

    boolean out0(long p) {
        return pit.counters[0].outAtTime(at(p));
    }

    boolean out2(long p) {
        return (in(p, 0x61) & 0x20) != 0;
    }

    /** Programs counter {@code ch}: control word, then LSB and MSB at pulse p. */
    void program(long p, int ch, int mode, int count) {
        out(p, 0x43, ch << 6 | 0x30 | mode << 1);
        out(p, 0x40 + ch, count & 0xff);
        out(p, 0x40 + ch, count >> 8);
    }

    @Test
    void testClockGrid_pulsesFallAt838Or839NsSteps() {
        assertEquals(0, Pit8254.pulses(at(1) - 1));
        assertEquals(1, Pit8254.pulses(at(1)));
        assertEquals(839, at(1), "1e9 / 1193182 = 838.09: the first pulse falls at 839 ns");
        assertEquals(Pit8254.FREQ, Pit8254.pulses(1_000_000_000L), "1.193182 MHz");
        for (long p = 1; p < 5000; p++) {
            assertEquals(p, Pit8254.pulses(at(p)));
            assertEquals(p - 1, Pit8254.pulses(at(p) - 1));
        }
    }

    @Test
    void testMode0_loadedOnTheNextPulse_outRisesNPlus1PulsesAfterTheWrite_thenWraps() {
        out(100, 0x43, 0x30); // counter 0, LSB then MSB, mode 0, binary
        assertFalse(out0(100), "mode 0: OUT low after the control word");
        out(100, 0x40, 5);
        out(100, 0x40, 0);
        int[] expect = {5, 4, 3, 2, 1, 0, 0xffff, 0xfffe};
        for (int k = 0; k < expect.length; k++) {
            assertEquals(expect[k], count(101 + k, 0), "pulse " + (101 + k));
            assertEquals(k >= 5, out0(101 + k), "OUT after pulse " + (101 + k));
        }
        assertEquals(at(106), pit.irq0At, "IRQ 0: the rising edge N + 1 = 6 pulses after the write");
    }

    @Test
    void testMode0_firstByteStopsTheCountAndSetsOutLow_secondByteLoadsOnTheNextPulse() {
        program(0, 0, 0, 3);
        assertTrue(out0(4));
        assertEquals(0xffff, count(5, 0));
        out(10, 0x40, 0x20); // LSB of 0x0120
        assertFalse(out0(10), "OUT low at once, no pulse needed");
        long frozen = count(10, 0);
        assertEquals(frozen, count(50, 0), "counting stopped");
        assertEquals(Pit8254.NEVER, pit.irq0At, "no edge scheduled while stopped");
        out(50, 0x40, 0x01);
        assertEquals(frozen, count(50, 0), "not loaded before the next pulse");
        assertEquals(0x120, count(51, 0));
        assertEquals(at(51 + 0x120), pit.irq0At);
    }

    @Test
    void testMode0_gateLowSuspendsCounting_outUnaffected() {
        out(0, 0x61, 0x01); // counter 2's gate high, as Linux's PIT calibration sets it
        program(0, 2, 0, 10);
        assertEquals(10, count(1, 2));
        assertEquals(7, count(4, 2));
        out(4, 0x61, 0x00); // gate low after pulse 4: pulses 5.. do not count
        assertEquals(7, count(20, 2));
        assertFalse(out2(20));
        out(20, 0x61, 0x01);
        assertEquals(6, count(21, 2));
        assertFalse(out2(26));
        assertTrue(out2(27), "7 more decrements after the gate came back");
    }

    @Test
    void testMode1_oneShot_triggeredByGate_outLowForNPulses_retriggerable() {
        out(0, 0x61, 0x00);
        program(0, 2, 1, 3);
        assertTrue(out2(50), "armed, waiting for a trigger: OUT high");
        out(50, 0x61, 0x01); // trigger after pulse 50
        assertTrue(out2(50));
        assertFalse(out2(51), "OUT low on the pulse after the trigger, the count loaded");
        assertEquals(3, count(51, 2));
        assertEquals(1, count(53, 2));
        assertFalse(out2(53));
        assertTrue(out2(54), "low for N = 3 pulses");
        assertEquals(0xffff, count(55, 2));
        out(60, 0x61, 0x00);
        out(60, 0x61, 0x01); // retrigger
        assertFalse(out2(61));
        out(62, 0x61, 0x00);
        out(62, 0x61, 0x01); // retrigger during the pulse: it restarts
        assertEquals(3, count(63, 2));
        assertFalse(out2(65));
        assertTrue(out2(66));
    }

    @Test
    void testMode2_rateGenerator_outLowOnePulseAtOne_irq0EveryNPulses() {
        program(10, 0, 2, 4);
        int[] ce = {4, 3, 2, 1, 4, 3, 2, 1, 4};
        for (int k = 0; k < ce.length; k++) {
            assertEquals(ce[k], count(11 + k, 0), "pulse " + (11 + k));
            assertEquals(ce[k] != 1, out0(11 + k), "OUT after pulse " + (11 + k));
        }
        assertEquals(at(15), pit.irq0At, "first rising edge: the reload N + 1 pulses after the write");
        io.advance(at(15));
        assertEquals(at(19), pit.irq0At);
        io.advance(at(19));
        assertEquals(at(23), pit.irq0At);
    }

    @Test
    void testMode2_newCountTakesEffectAtTheEndOfThePeriod() {
        program(10, 0, 2, 4);
        out(12, 0x40, 6); // during the period 11..14
        out(12, 0x40, 0);
        assertEquals(3, count(12, 0), "the current period goes on");
        assertEquals(1, count(14, 0));
        assertEquals(6, count(15, 0), "reloaded with the new count");
        assertEquals(1, count(20, 0));
        assertFalse(out0(20));
        assertEquals(at(15), pit.irq0At);
        io.advance(at(15));
        assertEquals(at(21), pit.irq0At, "then every 6 pulses");
    }

    @Test
    void testMode2_gateLowForcesOutHigh_risingGateReloads() {
        out(0, 0x61, 0x01);
        program(0, 2, 2, 3);
        assertFalse(out2(3), "low at 1");
        out(3, 0x61, 0x00);
        assertTrue(out2(3), "gate low: OUT high immediately");
        assertEquals(1, count(10, 2), "counting stopped");
        out(10, 0x61, 0x01);
        assertEquals(3, count(11, 2), "reloaded on the pulse after the trigger");
        assertFalse(out2(13));
    }

    @Test
    void testMode3_evenCount_squareWave_decrementsByTwo() {
        program(10, 0, 3, 4);
        int[] ce = {4, 2, 4, 2, 4, 2};
        boolean[] o = {true, true, false, false, true, true};
        for (int k = 0; k < ce.length; k++) {
            assertEquals(ce[k], count(11 + k, 0), "pulse " + (11 + k));
            assertEquals(o[k], out0(11 + k), "OUT after pulse " + (11 + k));
        }
        assertEquals(at(15), pit.irq0At);
    }

    @Test
    void testMode3_oddCount_highForNPlus1Over2_lowForNMinus1Over2() {
        program(10, 0, 3, 5);
        // loaded (5), minus one (4), minus two (2); reloaded (5) low, minus three (2); reloaded high
        int[] ce = {5, 4, 2, 5, 2, 5, 4, 2, 5, 2};
        boolean[] o = {true, true, true, false, false, true, true, true, false, false};
        for (int k = 0; k < ce.length; k++) {
            assertEquals(ce[k], count(11 + k, 0), "pulse " + (11 + k));
            assertEquals(o[k], out0(11 + k), "OUT after pulse " + (11 + k));
        }
        assertEquals(at(16), pit.irq0At);
        io.advance(at(16));
        assertEquals(at(21), pit.irq0At);
    }

    @Test
    void testMode3_newCountTakesEffectAtTheEndOfTheHalfCycle() {
        program(10, 0, 3, 4);
        out(11, 0x40, 6);
        out(11, 0x40, 0);
        assertEquals(2, count(12, 0), "the high half goes on");
        assertEquals(6, count(13, 0), "the new count from the expiry, in the low half");
        assertFalse(out0(13));
        assertEquals(4, count(14, 0));
        assertEquals(2, count(15, 0));
        assertTrue(out0(16), "3 pulses low, then high");
        assertEquals(6, count(16, 0));
        assertEquals(at(16), pit.irq0At);
    }

    @Test
    void testMode4_softwareStrobe_lowForOnePulseNPlus1PulsesAfterTheWrite_rewriteRetriggers() {
        program(10, 0, 4, 3);
        assertTrue(out0(13));
        assertEquals(1, count(13, 0));
        assertFalse(out0(14), "strobe: N + 1 = 4 pulses after the write");
        assertEquals(0, count(14, 0));
        assertTrue(out0(15));
        assertEquals(0xffff, count(15, 0));
        assertEquals(at(15), pit.irq0At, "IRQ 0 on the edge that ends the strobe");
        // Linux's one-shot clockevent: mode 4, a new count per event, no control word
        out(100, 0x40, 10);
        out(100, 0x40, 0);
        assertTrue(out0(110));
        assertFalse(out0(111), "retriggered: strobe N + 1 = 11 pulses after the new count");
        assertEquals(at(112), pit.irq0At);
    }

    @Test
    void testMode5_hardwareStrobe_afterTheTrigger() {
        out(0, 0x61, 0x00);
        program(0, 2, 5, 2);
        assertTrue(out2(40));
        out(40, 0x61, 0x01);
        assertEquals(2, count(41, 2));
        assertTrue(out2(42));
        assertFalse(out2(43), "strobe N + 1 = 3 pulses after the trigger");
        assertTrue(out2(44));
    }

    @Test
    void testBcd_countsAndWrapsInDecimal_zeroIsTenThousand() {
        out(0, 0x43, 0x31); // counter 0, LSB/MSB, mode 0, BCD
        out(0, 0x40, 0x12);
        out(0, 0x40, 0x00);
        assertEquals(0x12, count(1, 0), "12 decimal, read back in BCD");
        assertEquals(0x09, count(4, 0));
        assertEquals(0x00, count(13, 0));
        assertEquals(0x9999, count(14, 0), "wraps to 9999");
        assertEquals(at(13), pit.irq0At);
        out(20, 0x43, 0x31);
        out(20, 0x40, 0);
        out(20, 0x40, 0);
        assertEquals(0x0000, count(21, 0), "0 is 10^4");
        assertEquals(0x9999, count(22, 0));
        assertEquals(at(10021), pit.irq0At);
    }

    @Test
    void testLatchCommand_holdsUntilRead_secondLatchIgnored_lsbOnlyAndMsbOnlyModes() {
        program(0, 0, 2, 1000);
        out(100, 0x43, 0x00); // latch counter 0
        out(200, 0x43, 0x00); // ignored: not read yet
        assertEquals(1000 - 99, count(300, 0), "the count at pulse 100");
        assertEquals(1000 - 299, count(300, 0), "latch released: the live count");
        // LSB only
        out(400, 0x43, 0x14); // counter 0, LSB only, mode 2
        out(400, 0x40, 0x80);
        assertEquals(0x80, in(401, 0x40));
        assertEquals(0x7f, in(402, 0x40), "every read is the LSB");
        // MSB only: the count is 0x0300
        out(500, 0x43, 0x24);
        out(500, 0x40, 0x03);
        assertEquals(0x03, in(501, 0x40));
        assertEquals(0x02, in(502, 0x40), "0x02ff");
    }

    @Test
    void testReadBack_latchesStatusThenCount_ofSeveralCounters_nullCountUntilLoaded() {
        out(0, 0x43, 0x34); // counter 0: LSB/MSB, mode 2
        out(0, 0x43, 0xb0); // counter 2: LSB/MSB, mode 0
        out(0, 0x43, 0xea); // read back the status of counters 0 and 2 (COUNT# set: not the count)
        assertEquals(0x80 | 0x40 | 0x30 | 2 << 1, in(0, 0x40), "OUT high, null count, rw 3, mode 2");
        assertEquals(0x40 | 0x30, in(0, 0x42), "OUT low (mode 0), null count, rw 3, mode 0");
        out(5, 0x40, 0x10);
        out(5, 0x40, 0x00);
        out(5, 0x43, 0xe2); // status of counter 0 only
        assertEquals(0x80 | 0x40 | 0x34, in(5, 0x40), "written, not loaded yet: null count");
        out(6, 0x43, 0xc2); // status and count of counter 0
        assertEquals(0x80 | 0x34, in(6, 0x40), "loaded on pulse 6: null count clear");
        assertEquals(0x10, in(20, 0x40), "then the count as latched: LSB");
        assertEquals(0x00, in(20, 0x40), "MSB");
        assertEquals(0x10 - 14, count(20, 0), "live again");
        // a second status latch before the first was read is ignored: OUT is low after pulse 21
        // (the element at 1), high again after 22
        out(21, 0x43, 0xe2);
        out(22, 0x43, 0xe2);
        assertEquals(0x34, in(22, 0x40), "the status latched at pulse 21");
        assertEquals(0x10, count(22, 0), "then the live count, reloaded");
    }

    @Test
    void testFlipFlops_readAndWriteInterleaved_asTheDataSheetAllows() {
        program(0, 0, 0, 0x1234);
        assertEquals(0x33, in(2, 0x40), "read LSB of 0x1233");
        out(2, 0x40, 0x78);             // write new LSB
        assertEquals(0x12, in(2, 0x40), "read MSB: the counter stopped at 0x1233 (mode 0, first byte)");
        out(2, 0x40, 0x56);             // write new MSB
        assertEquals(0x5678, count(3, 0));
    }

    @Test
    void testPortB_gateOfCounter2OnBit0_out2OnBit5_refreshToggles() {
        assertEquals(0, in(0, 0x61) & 0x21, "power-up: gate low, OUT2 low (no count)");
        out(0, 0x61, 0x03); // gate and speaker data
        assertEquals(0x03, in(0, 0x61) & 0x0f, "bits 0-3 read back");
        program(0, 2, 0, 2);
        assertFalse(out2(2));
        assertTrue(out2(3));
        io.now = 0;
        int a = (int) io.in(0x61, 1) & 0x10;
        io.now = IoPorts.REFRESH_PERIOD_NS;
        int b = (int) io.in(0x61, 1) & 0x10;
        io.now = 2 * IoPorts.REFRESH_PERIOD_NS;
        int c = (int) io.in(0x61, 1) & 0x10;
        assertTrue(a != b && a == c, "bit 4 toggles every 15.085 us");
    }

    @Test
    void testIrq0_edgeReachesThe8259_atTheScheduledTime() {
        Pic8259 pic = io.pic;
        pic.write(0x20, 0x11);
        pic.write(0x21, 0x30);
        pic.write(0x21, 0x04);
        pic.write(0x21, 0x01);
        pic.write(0x21, 0xfe); // only IRQ 0
        program(0, 0, 2, 11932); // Linux's periodic clockevent at HZ=100: LATCH = 11932
        assertEquals(at(11933), io.nextDeadline());
        io.advance(at(11933) - 1);
        assertFalse(pic.intr(), "nothing before the edge");
        io.advance(at(11933));
        assertTrue(pic.intr());
        assertEquals(0x30, pic.acknowledge());
        assertEquals(at(11933 + 11932), io.nextDeadline(), "the next edge one period later");
    }
}
