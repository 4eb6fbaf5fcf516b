package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The MC146818 clock and CMOS RAM at ports 0x70/0x71: the fixed epoch plus virtual seconds, BCD
 * and binary, 12- and 24-hour formats, the update-in-progress flag that is never set, writes
 * that move the clock, the century byte, and the status registers as Linux's mc146818_get_time
 * reads them.
 */
class CmosRtcTest {

    static final long S = 1_000_000_000L;
    final CmosRtc rtc = new CmosRtc();

    int read(int reg, long now) {
        rtc.write(CmosRtc.INDEX, reg | 0x80, now); // bit 7: NMI disabled, as Linux's CMOS_READ does
        return rtc.read(CmosRtc.DATA, now);
    }

    void write(int reg, int v, long now) {
        rtc.write(CmosRtc.INDEX, reg, now);
        rtc.write(CmosRtc.DATA, v, now);
    }

    @Test
    void testPowerUp_2026_01_01_bcd_24h_statusRegisters() {
        assertEquals(0x00, read(0x00, 0));
        assertEquals(0x00, read(0x02, 0));
        assertEquals(0x00, read(0x04, 0));
        assertEquals(0x05, read(0x06, 0), "day of week: 1 is Sunday; 2026-01-01 is a Thursday");
        assertEquals(0x01, read(0x07, 0));
        assertEquals(0x01, read(0x08, 0));
        assertEquals(0x26, read(0x09, 0), "year 26 in BCD");
        assertEquals(0x20, read(0x32, 0), "century (the ACPI FADT's usual index)");
        assertEquals(0x26, read(0x0a, 0), "A: 32.768 kHz base, 1024 Hz; UIP clear");
        assertEquals(0x02, read(0x0b, 0), "B: 24-hour, BCD, no interrupts");
        assertEquals(0x00, read(0x0c, 0), "C: no interrupt flags");
        assertEquals(0x80, read(0x0d, 0), "D: valid RAM and time");
        assertEquals(0xff, rtc.read(CmosRtc.INDEX, 0), "the index port is write-only");
    }

    @Test
    void testVirtualSecondsAdvanceTheClock_carryIntoMinutesHoursDays() {
        long t = (23 * 3600 + 59 * 60 + 58) * S + S / 2; // 23:59:58.5
        assertEquals(0x58, read(0x00, t));
        assertEquals(0x59, read(0x02, t));
        assertEquals(0x23, read(0x04, t));
        t += 2 * S; // 00:00:00.5 the next day
        assertEquals(0x00, read(0x00, t));
        assertEquals(0x00, read(0x04, t));
        assertEquals(0x02, read(0x07, t));
        assertEquals(0x06, read(0x06, t), "Friday");
    }

    @Test
    void testUpdateInProgressIsNeverSet_evenWhenWritten() {
        for (long t = 0; t < 3 * S; t += S / 7) {
            assertEquals(0, read(0x0a, t) & 0x80, "UIP at " + t);
        }
        write(0x0a, 0xa6, 0);
        assertEquals(0x26, read(0x0a, 0), "UIP is read-only (Linux would wait on it forever)");
    }

    @Test
    void testBinaryMode_andTwelveHourMode() {
        long t = (13 * 3600 + 5 * 60 + 9) * S; // 13:05:09
        write(0x0b, 0x06, t); // binary, 24-hour
        assertEquals(9, read(0x00, t));
        assertEquals(5, read(0x02, t));
        assertEquals(13, read(0x04, t));
        assertEquals(26, read(0x09, t));
        assertEquals(20, read(0x32, t));
        write(0x0b, 0x04, t); // binary, 12-hour
        assertEquals(0x80 | 1, read(0x04, t), "1 PM");
        write(0x0b, 0x00, t); // BCD, 12-hour
        assertEquals(0x81, read(0x04, t));
        assertEquals(0x12, read(0x04, 5 * 60 * S), "00:05 is 12 AM");
        assertEquals(0x92, read(0x04, 12 * 3600 * S), "12:00 is 12 PM");
    }

    @Test
    void testWritesMoveTheClock_whichRunsOnFromThem() {
        long t = 100 * S;
        write(0x0b, 0x82, t); // SET while writing, as mc146818_set_time does
        write(0x00, 0x30, t);
        write(0x02, 0x45, t);
        write(0x04, 0x21, t);
        write(0x07, 0x31, t);
        write(0x08, 0x12, t);
        write(0x09, 0x99, t);
        write(0x32, 0x19, t);
        write(0x0b, 0x02, t);
        t += 31 * S; // 1999-12-31 21:45:30 + 31 s
        assertEquals(0x01, read(0x00, t));
        assertEquals(0x46, read(0x02, t));
        assertEquals(0x21, read(0x04, t));
        assertEquals(0x31, read(0x07, t));
        assertEquals(0x12, read(0x08, t));
        assertEquals(0x99, read(0x09, t));
        assertEquals(0x19, read(0x32, t));
        assertEquals(0x06, read(0x06, t), "1999-12-31 was a Friday");
        t += (2 * 3600 + 15 * 60) * S; // past midnight: the century turns
        assertEquals(0x00, read(0x09, t));
        assertEquals(0x20, read(0x32, t));
        assertEquals(0x01, read(0x08, t));
    }

    @Test
    void testWritingTheHourInTwelveHourMode_honoursPm() {
        write(0x0b, 0x00, 0); // BCD, 12-hour
        write(0x04, 0x83, 0); // 3 PM
        write(0x0b, 0x02, 0);
        assertEquals(0x15, read(0x04, 0));
        write(0x0b, 0x00, 0);
        write(0x04, 0x12, 0); // 12 AM
        write(0x0b, 0x02, 0);
        assertEquals(0x00, read(0x04, 0));
    }

    @Test
    void testCmosRam_readsBackWhatWasWritten_statusCAndDReadOnly() {
        for (int i = 0x0e; i < 0x80; i++) {
            if (i == 0x32) {
                continue; // the century
            }
            write(i, i ^ 0x5a, 0);
        }
        for (int i = 0x0e; i < 0x80; i++) {
            if (i != 0x32) {
                assertEquals(i ^ 0x5a, read(i, 0), "byte " + i);
            }
        }
        write(0x0c, 0xff, 0);
        write(0x0d, 0x00, 0);
        assertEquals(0x00, read(0x0c, 0));
        assertEquals(0x80, read(0x0d, 0));
        write(0x01, 0x42, 0); // alarm seconds: plain RAM
        assertEquals(0x42, read(0x01, 0));
    }
}
