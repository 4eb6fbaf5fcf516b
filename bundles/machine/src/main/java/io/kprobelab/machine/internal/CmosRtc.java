package io.kprobelab.machine.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The MC146818 real-time clock and CMOS RAM at ports 0x70 (index; bit 7 masks NMI) and 0x71
 * (data), as the PC has it. The clock reads virtual time: {@link #EPOCH} plus the virtual seconds
 * since power-up, so every boot reads the same date; a guest that sets the clock moves that
 * offset. The update-in-progress flag is never set (an update takes no virtual time), status
 * register D reports valid RAM and power, and interrupts are not generated (status C reads 0).
 */
final class CmosRtc {

    static final int INDEX = 0x70, DATA = 0x71;
    /** The date the clock shows at power-up: 2026-01-01 00:00:00 UTC. */
    static final long EPOCH = LocalDateTime.of(2026, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    static final long NS = 1_000_000_000L;

    private final byte[] ram = new byte[128];
    private int index;
    /** Seconds added to EPOCH + virtual seconds by guest writes of the time registers. */
    private long offset;

    CmosRtc() {
        reset();
    }

    void reset() {
        java.util.Arrays.fill(ram, (byte) 0);
        ram[0x0a] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate
        ram[0x0b] = 0x02; // 24-hour, BCD, no interrupts
        ram[0x0d] = (byte) 0x80; // valid RAM and time
        index = 0;
        offset = 0;
    }

    private boolean bcd() {
        return (ram[0x0b] & 0x04) == 0;
    }

    private int encode(int v) {
        return bcd() ? (v / 10) << 4 | v % 10 : v;
    }

    private int decode(int v) {
        return bcd() ? ((v >> 4) & 0xf) * 10 + (v & 0xf) : v;
    }

    private LocalDateTime now(long nowNs) {
        return LocalDateTime.ofEpochSecond(EPOCH + offset + nowNs / NS, 0, ZoneOffset.UTC);
    }

    int read(int port, long nowNs) {
        if (port == INDEX) {
            return 0xff;
        }
        LocalDateTime t = now(nowNs);
        switch (index) {
            case 0x00: return encode(t.getSecond());
            case 0x02: return encode(t.getMinute());
            case 0x04: {
                int h = t.getHour();
                if ((ram[0x0b] & 0x02) == 0) { // 12-hour mode: bit 7 is PM
                    int h12 = h % 12 == 0 ? 12 : h % 12;
                    return encode(h12) | (h >= 12 ? 0x80 : 0);
                }
                return encode(h);
            }
            case 0x06: return encode(t.getDayOfWeek().getValue() % 7 + 1);
            case 0x07: return encode(t.getDayOfMonth());
            case 0x08: return encode(t.getMonthValue());
            case 0x09: return encode(t.getYear() % 100);
            case 0x32: return encode(t.getYear() / 100); // century (the ACPI FADT's usual index)
            case 0x0c: return 0;
            default: return ram[index] & 0xff;
        }
    }

    void write(int port, int v, long nowNs) {
        if (port == INDEX) {
            index = v & 0x7f;
            return;
        }
        switch (index) {
            case 0x00: case 0x02: case 0x04: case 0x07: case 0x08: case 0x09: case 0x32:
                setField(index, v, nowNs);
                break;
            case 0x0c: case 0x0d:
                break; // read-only
            default:
                ram[index] = (byte) v;
        }
    }

    /** A guest write of one time field: the clock continues from the new value. */
    private void setField(int reg, int v, long nowNs) {
        LocalDateTime t = now(nowNs);
        int n = decode(v & 0x7f);
        switch (reg) {
            case 0x00: t = t.withSecond(Math.min(n, 59)); break;
            case 0x02: t = t.withMinute(Math.min(n, 59)); break;
            case 0x04: t = t.withHour(Math.min(n, 23)); break;
            case 0x07: t = t.withDayOfMonth(Math.max(1, Math.min(n, t.toLocalDate().lengthOfMonth()))); break;
            case 0x08: t = t.withMonth(Math.max(1, Math.min(n, 12))); break;
            case 0x09: t = t.withYear(t.getYear() / 100 * 100 + n); break;
            default: t = t.withYear(n * 100 + t.getYear() % 100);
        }
        offset += t.toEpochSecond(ZoneOffset.UTC) - now(nowNs).toEpochSecond(ZoneOffset.UTC);
    }
}
