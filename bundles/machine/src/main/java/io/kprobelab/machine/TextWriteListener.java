package io.kprobelab.machine;

/**
 * Told when the guest writes bytes of its own text that lie under a hidden text patch
 * ({@link Machine#patchText}): the guest changed the instruction a breakpoint sits on (Linux's
 * text_poke, ftrace, jump labels, its own kprobes), so whoever planted the patch can look at the
 * instruction again. Called on the vCPU thread, with the guest stopped at the instruction boundary
 * after the write, before any code runs from that page.
 */
@FunctionalInterface
public interface TextWriteListener {

    /**
     * @param vcpu    the vCPU that wrote
     * @param address kernel virtual address (where the patch was planted) of the first byte written
     *                on the patched page
     * @param length  bytes written there
     */
    void textWritten(Vcpu vcpu, long address, int length);
}
