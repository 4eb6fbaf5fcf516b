package io.kprobelab.machine;

/**
 * An exception or trap raised by a vCPU, as offered to the {@link TrapSink} before
 * architectural delivery.
 *
 * @param vector    the exception vector (1 = #DB, 3 = #BP, 6 = #UD, 13 = #GP, 14 = #PF, ...)
 * @param errorCode the error code pushed by the CPU, or -1 for vectors without one
 * @param address   for #PF the faulting address (CR2); otherwise the address of the
 *                  instruction that caused it
 * @param message   a human-readable cause (for #UD: the bytes and their text), may be empty
 */
public record Trap(int vector, int errorCode, long address, String message) {

    /** Vector numbers (SDM Vol. 3 Table 6-1). */
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
            TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

    /** The mnemonic of a vector, e.g. {@code #BP}; {@code INT n} for non-exception vectors. */
    public static String name(int vector) {
        return switch (vector) {
            case DE -> "#DE"; case DB -> "#DB"; case NMI -> "NMI"; case BP -> "#BP"; case OF -> "#OF";
            case BR -> "#BR"; case UD -> "#UD"; case NM -> "#NM"; case DF -> "#DF"; case TS -> "#TS";
            case NP -> "#NP"; case SS -> "#SS"; case GP -> "#GP"; case PF -> "#PF"; case MF -> "#MF";
            case AC -> "#AC"; case MC -> "#MC"; case XM -> "#XM";
            default -> "INT " + vector;
        };
    }

    /** The mnemonic of this trap's vector. */
    public String name() {
        return name(vector);
    }
}
