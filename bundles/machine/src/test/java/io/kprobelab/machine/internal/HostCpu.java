package io.kprobelab.machine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The host CPU the differential tests compare the emulator with, and which status flags that
 * lets them compare. The emulator's flags follow AMD Zen where the SDM leaves them undefined, so
 * on an AMD host every flag is compared; on any other host only the flags the SDM defines for
 * the instruction ({@link #sdmUndefined} names the others). Every test that relies on this says
 * in its output which host it ran on and which flags it compared.
 */
public final class HostCpu {

    /** {@code vendor_id} of /proc/cpuinfo, e.g. AuthenticAMD or GenuineIntel; "unknown" without one. */
    public static final String VENDOR = field("vendor_id");
    /** {@code model name} of /proc/cpuinfo. */
    public static final String MODEL = field("model name");

    /** CF PF AF ZF SF OF. */
    public static final long STATUS_FLAGS = Cpu.ARITH;

    private HostCpu() {
    }

    /**
     * True on AMD hosts: the emulator's undefined flags follow AMD Zen, so they are compared too.
     * {@code -Dkprobelab.flags=sdm} compares as on any other host (to run that path on AMD).
     */
    public static boolean exactFlags() {
        return VENDOR.equals("AuthenticAMD") && !"sdm".equals(System.getProperty("kprobelab.flags"));
    }

    /** "GenuineIntel (Intel(R) Xeon(R) ...)", for the tests' output. */
    public static String describe() {
        return VENDOR + " (" + MODEL + ")" + ("sdm".equals(System.getProperty("kprobelab.flags"))
                ? " with -Dkprobelab.flags=sdm" : "");
    }

    /** What the tests compare on this host, in words. */
    public static String flagPolicy() {
        return exactFlags()
                ? "every status flag, those the SDM leaves undefined included (the emulator follows AMD)"
                : "only the status flags the SDM defines (the emulator's undefined ones follow AMD, not this host)";
    }

    /**
     * The status flags the SDM leaves undefined after the instruction {@code text} (objdump's
     * text, prefixes such as {@code lock} or {@code rep} allowed) for some operand or count (a
     * superset for counted shifts and rotates); 0 for one that defines every flag it writes.
     * Used where the operands are not known, as in step-by-step traces.
     */
    public static long sdmUndefined(String text) {
        String m = "";
        for (String word : text.trim().toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!PREFIXES.contains(word)) {
                m = word;
                break;
            }
        }
        long cf = Cpu.CF, pf = Cpu.PF, af = Cpu.AF, zf = Cpu.ZF, sf = Cpu.SF, of = Cpu.OF;
        switch (m) {
            case "and": case "or": case "xor": case "test":
                return af;
            case "shl": case "sal": case "shr": case "sar":
                return af | of;
            case "rol": case "ror": case "rcl": case "rcr":
                return of;
            case "shld": case "shrd":
                return cf | pf | af | zf | sf | of; // a count over the operand size leaves all undefined
            case "mul": case "imul":
                return sf | zf | af | pf;
            case "div": case "idiv":
                return cf | pf | af | zf | sf | of;
            case "bt": case "bts": case "btr": case "btc":
                return of | sf | af | pf;
            case "bsf": case "bsr":
                return cf | of | sf | af | pf;
            case "tzcnt": case "lzcnt":
                return of | sf | af | pf;
            case "andn": case "blsr": case "blsi": case "blsmsk": case "bzhi":
                return af | pf;
            case "bextr":
                return af | sf | pf;
            default:
                return 0;
        }
    }

    private static final java.util.Set<String> PREFIXES = java.util.Set.of("lock", "rep", "repz", "repe", "repnz",
            "repne", "notrack", "bnd", "data16", "addr32", "rex", "rex.w", "cs", "ds", "es", "ss", "fs", "gs");

    private static String field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: neither vendor is assumed
        }
        return "unknown";
    }
}
