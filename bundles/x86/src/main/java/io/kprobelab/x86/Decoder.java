package io.kprobelab.x86;

/**
 * Decodes one x86-64 long-mode instruction. Never throws on any input bytes.
 */
public final class Decoder {

    private Decoder() {
    }

    /**
     * Decodes the instruction at {@code code[offset]}.
     *
     * @param code      bytes
     * @param offset    where the instruction starts
     * @param available how many bytes from {@code offset} may be read (at most 15 are)
     * @param address   guest-virtual address of {@code code[offset]}
     * @return the instruction; check {@link Insn#status()}
     */
    public static Insn decode(byte[] code, int offset, int available, long address) {
        Insn insn = new Insn();
        insn.address = address;
        insn.status = Insn.Status.TRUNCATED;
        return insn; // replaced by the real decoder (bundles/x86 owner)
    }
}
