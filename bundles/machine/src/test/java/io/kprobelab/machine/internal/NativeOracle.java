package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Trap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The differential oracle: assembles snippets with {@code as}, runs them natively with the
 * native runner (src/test/c/nativerun) and in the emulator from the same registers, flags, XMM
 * registers, MXCSR and data, and compares registers, flags (minus the SDM-undefined ones named
 * by each case's mask), XMM registers, MXCSR and the data buffer bit for bit. A snippet that
 * faults is compared by signal, RIP and kind (#GP, or #PF with its address), then by the same
 * state as it was at the fault.
 */
final class NativeOracle {

    static final long CODE = 0x10000000L, DATA = 0x20000000L;
    static final int DATA_SIZE = 0x4000;
    static final long ARITH_DF = Cpu.ARITH | Cpu.DF;

    /** MXCSR at power-up and in a fresh Linux process: every SIMD floating-point exception masked. */
    static final int MXCSR_DEFAULT = 0x1f80;

    /**
     * One case: a snippet (Intel syntax, ';'-separated), input registers and flags, compared
     * flags, and the input XMM registers (XMM n is {@code xmm[2n]}, low quadword, and
     * {@code xmm[2n + 1]}) and MXCSR; and whether it is meant to fault. A case that faults alike
     * natively and in the emulator is compared only up to the fault, so the faults are bounded:
     * one that faults where it is not meant to, or runs to its end where it is, fails.
     */
    static final class Case {
        final String asm;
        final long[] regs;
        final long flags;
        final long flagMask;
        final long[] xmm;
        final int mxcsr;
        /** Faults by design (#DE, #UD, #GP, #PF, int3); otherwise it must run to its end. */
        boolean mustFault;
        byte[] code;

        Case(String asm, long[] regs, long flags, long flagMask) {
            this(asm, regs, flags, flagMask, new long[32], MXCSR_DEFAULT);
        }

        Case(String asm, long[] regs, long flags, long flagMask, long[] xmm, int mxcsr) {
            this.asm = asm;
            this.regs = regs;
            this.flags = flags;
            this.flagMask = flagMask;
            this.xmm = xmm;
            this.mxcsr = mxcsr;
        }
    }

    private NativeOracle() {
    }

    /**
     * Points RBX, RSP and RBP into the data buffer, 16-byte aligned and a page apart, where the
     * cases' memory operands ([rbx+...], pushes, [rbp+0xff8]...) expect them; returns {@code regs}.
     */
    static long[] withDataPointers(long[] regs) {
        regs[3] = DATA + 0x1000;
        regs[4] = DATA + 0x2000;
        regs[5] = DATA + 0x3000;
        return regs;
    }

    /** Random input status flags: each of CF, PF, AF, ZF, SF, OF set or clear, drawn in that order. */
    static long randomFlags(Random rnd) {
        long f = 0;
        for (long b : new long[] {Cpu.CF, Cpu.PF, Cpu.AF, Cpu.ZF, Cpu.SF, Cpu.OF}) {
            if (rnd.nextBoolean()) {
                f |= b;
            }
        }
        return f;
    }

    /**
     * What {@link #compareAll} found: of how many cases, how many differ, how many faulted
     * natively (and how many are meant to), how many broke that expectation, and the first 40
     * differences and 20 broken expectations, each after its case as {@code describe} put it.
     */
    record Comparison(int cases, int mismatches, int faults, int mustFault, int faultsUnexpected, String report,
            String faultReport) {

        /**
         * Fails, with the report, if any case differs from the host CPU, or faulted natively where
         * it is not meant to, or ran to its end where it is: so the cases compared only up to a
         * fault are exactly those written to fault.
         */
        void assertNoMismatches() {
            if (mismatches > 0) {
                fail(mismatches + " of " + cases + " cases differ from the host CPU:\n" + report);
            }
            if (faultsUnexpected > 0) {
                fail(faultsUnexpected + " of " + cases + " cases broke their fault expectation (" + faults
                        + " faulted natively, " + mustFault + " are meant to):\n" + faultReport);
            }
            assertEquals(0, mismatches);
            assertEquals(mustFault, faults, "cases that fault natively = cases meant to fault");
        }
    }

    /** Assembles every case, runs them all natively and in the emulator, and compares each pair. */
    static Comparison compareAll(List<Case> cases, Function<Case, String> describe) throws Exception {
        assemble(cases);
        List<String> nat = runNative(cases);
        Emulator emu = new Emulator();
        // all on the vCPU's thread: no hand-off per case
        List<String> emulated = emu.m.vcpuImpl(0).onThread(() -> {
            List<String> out = new ArrayList<>(cases.size());
            for (Case c : cases) {
                out.add(emu.run(c));
            }
            return out;
        });
        int mismatches = 0, faults = 0, must = 0, broken = 0;
        StringBuilder report = new StringBuilder(), faultReport = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String e = emulated.get(i);
            boolean faulted = nat.get(i).startsWith("SIG");
            faults += faulted ? 1 : 0;
            must += c.mustFault ? 1 : 0;
            if (faulted != c.mustFault && broken++ < 20) {
                faultReport.append(describe.apply(c)).append("\n   ").append(c.mustFault ? "meant to fault, ran to its end"
                        : "faulted natively, not meant to: " + nat.get(i).substring(0, Math.min(40, nat.get(i).length())))
                        .append('\n');
            }
            String d = compare(c, nat.get(i), e);
            if (d != null && mismatches++ < 40) {
                report.append(describe.apply(c)).append("\n   ").append(d).append('\n');
            }
        }
        return new Comparison(cases.size(), mismatches, faults, must, broken, report.toString(), faultReport.toString());
    }

    static Path runner() throws IOException, InterruptedException {
        Path src = GuestBuild.source("nativerun/nativerun.c");
        Path out = GuestBuild.buildDir().resolve("nativerun");
        if (!Files.exists(out) || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) < 0) {
            GuestBuild.run(List.of("gcc", "-O1", "-no-pie", "-o", out.toString(), src.toString()));
        }
        return out;
    }

    /** Assembles every distinct snippet once. */
    static void assemble(List<Case> cases) throws IOException, InterruptedException {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Case c : cases) {
            ids.putIfAbsent(c.asm, ids.size());
        }
        StringBuilder s = new StringBuilder(".intel_syntax noprefix\n.text\n");
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            s.append("snip_").append(e.getValue()).append(":\n");
            for (String insn : e.getKey().split(";")) {
                s.append("  ").append(insn.trim()).append('\n');
            }
        }
        s.append("snip_").append(ids.size()).append(":\n");
        Path dir = GuestBuild.buildDir();
        Path asm = dir.resolve("snippets.s"), obj = dir.resolve("snippets.o"), bin = dir.resolve("snippets.bin");
        Files.writeString(asm, s.toString());
        GuestBuild.run(List.of("as", "--64", "-o", obj.toString(), asm.toString()));
        GuestBuild.run(List.of("objcopy", "-O", "binary", "--only-section=.text", obj.toString(), bin.toString()));
        byte[] text = Files.readAllBytes(bin);
        long[] off = new long[ids.size() + 1];
        for (String line : GuestBuild.run(List.of("nm", obj.toString())).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].startsWith("snip_")) {
                off[Integer.parseInt(f[2].substring(5))] = Long.parseLong(f[0], 16);
            }
        }
        Map<String, byte[]> code = new HashMap<>();
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            int i = e.getValue();
            byte[] b = new byte[(int) (off[i + 1] - off[i])];
            System.arraycopy(text, (int) off[i], b, 0, b.length);
            code.put(e.getKey(), b);
        }
        for (Case c : cases) {
            c.code = code.get(c.asm);
        }
    }

    static List<String> runNative(List<Case> cases) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(runner().toString()).redirectErrorStream(true).start();
        Thread feeder = new Thread(() -> {
            try (OutputStream os = p.getOutputStream()) {
                StringBuilder sb = new StringBuilder();
                for (Case c : cases) {
                    for (byte b : c.code) {
                        sb.append(String.format("%02x", b & 0xff));
                    }
                    for (long r : c.regs) {
                        sb.append(' ').append(Long.toHexString(r));
                    }
                    sb.append(' ').append(Long.toHexString(c.flags));
                    for (long x : c.xmm) {
                        sb.append(' ').append(Long.toHexString(x));
                    }
                    sb.append(' ').append(Integer.toHexString(c.mxcsr)).append('\n');
                    if (sb.length() > 1 << 16) {
                        os.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                        sb.setLength(0);
                    }
                }
                os.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the reader reports the short output
            }
        });
        feeder.start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        }
        p.waitFor();
        feeder.join();
        if (out.size() != cases.size()) {
            throw new IOException("native runner gave " + out.size() + " results for " + cases.size() + " cases: "
                    + (out.isEmpty() ? "" : out.get(out.size() - 1)));
        }
        return out;
    }

    /** The emulator's result line in the runner's format (flags masked later). */
    static final class Emulator {
        final MachineImpl m;
        final Cpu cpu;
        final byte[] pattern = new byte[DATA_SIZE];

        Emulator() {
            m = (MachineImpl) Machines.create(1, 16);
            // Ring 3 on user pages, like the native runner (popf keeps IF, pushf shows IF=1).
            m.mapRange(CODE, 0x10000, true, true, true);
            m.mapRange(DATA, DATA_SIZE, true, false, true);
            m.setInstructionBudget(100_000);
            cpu = m.vcpuImpl(0).cpu;
            for (int i = 0; i < DATA_SIZE; i++) {
                pattern[i] = (byte) (i * 37 + 11);
            }
            // The int3 that ends a snippet stops the run without an oops report (building one
            // cost more than running most snippets); any other trap is delivered as before.
            m.setTrapSink((v, t) -> {
                if (t.vector() == Trap.BP && t.address() == end) {
                    throw new GuestOops(t, "end of the snippet");
                }
                return false;
            });
        }

        /** The address of the int3 that ends the current snippet (a #BP reports its own address). */
        private long end;

        Machine machine() {
            return m;
        }

        String run(Case c) throws Exception {
            byte[] code = new byte[c.code.length + 1];
            System.arraycopy(c.code, 0, code, 0, c.code.length);
            code[c.code.length] = (byte) 0xcc; // int3 ends the snippet
            end = CODE + c.code.length;
            m.memory().poke(CODE, code, 0, code.length);
            m.memory().write(DATA, pattern, 0, DATA_SIZE);
            System.arraycopy(c.regs, 0, cpu.r, 0, 16);
            System.arraycopy(c.xmm, 0, cpu.xmm, 0, 32);
            cpu.mxcsr = c.mxcsr;
            cpu.setRflags(c.flags & ARITH_DF | Cpu.IF | 2); // the native runner runs in user mode with IF=1
            cpu.rip = CODE;
            cpu.cpl = 3;
            cpu.flushTlb();
            try {
                m.runUntilHalt(0, -1);
                return "no end";
            } catch (GuestOops o) {
                int v = o.trap().vector();
                if (v == Trap.BP && o.trap().address() == CODE + c.code.length) {
                    return result("OK");
                }
                int sig = v == Trap.DE || v == Trap.MF || v == Trap.XM ? 8 : v == Trap.UD ? 4 : v == Trap.BP || v == Trap.DB ? 5 : v < 0 ? -1 : 11;
                String kind = v == Trap.GP ? "gp" : v == Trap.PF ? "pf@" + Long.toHexString(o.trap().address()) : "-";
                return result("SIG " + sig + " " + Long.toHexString(cpu.rip) + " " + kind);
            }
        }

        /** The state in the runner's format after {@code head} ("OK", or "SIG signo rip" at a fault). */
        private String result(String head) throws Exception {
            StringBuilder sb = new StringBuilder(head);
            for (int i = 0; i < 16; i++) {
                sb.append(' ').append(Long.toHexString(cpu.r[i]));
            }
            sb.append(' ').append(Long.toHexString(cpu.rflags()));
            for (long x : cpu.xmm) {
                sb.append(' ').append(Long.toHexString(x));
            }
            sb.append(' ').append(Integer.toHexString(cpu.mxcsr));
            byte[] d = m.memory().read(DATA, DATA_SIZE);
            int changed = 0;
            StringBuilder ch = new StringBuilder();
            // most snippets change no byte: let Arrays.mismatch find the changed ones
            for (int i = java.util.Arrays.mismatch(d, pattern); i >= 0; ) {
                changed++;
                ch.append(' ').append(Integer.toHexString(i)).append(':').append(Integer.toHexString(d[i] & 0xff));
                int next = i + 1 < DATA_SIZE ? java.util.Arrays.mismatch(d, i + 1, DATA_SIZE, pattern, i + 1, DATA_SIZE) : -1;
                i = next < 0 ? -1 : i + 1 + next;
            }
            sb.append(' ').append(Integer.toHexString(changed)).append(ch);
            return sb.toString();
        }
    }

    /** Field of MXCSR in a result line: after "OK", 16 registers, RFLAGS and 32 XMM quadwords. */
    private static final int MXCSR_FIELD = 50;

    /** Compares one native and one emulator line under the case's flag mask; null when equal. */
    static String compare(Case c, String nat, String emu) {
        // Both ran to the end ("OK") or both faulted the same way ("SIG signo rip kind"); then the state.
        int headA = nat.startsWith("SIG") ? 4 : 1, headB = emu.startsWith("SIG") ? 4 : 1;
        String[] a0 = nat.split(" "), b0 = emu.split(" ");
        if (headA != headB || a0.length < headA + MXCSR_FIELD || b0.length < headB + MXCSR_FIELD
                || !String.join(" ", java.util.Arrays.copyOf(a0, headA)).equals(String.join(" ", java.util.Arrays.copyOf(b0, headB)))) {
            return "native " + nat + " / emulator " + emu;
        }
        String[] a = java.util.Arrays.copyOfRange(a0, headA - 1, a0.length);
        String[] b = java.util.Arrays.copyOfRange(b0, headB - 1, b0.length);
        StringBuilder diff = new StringBuilder(headA == 4 ? "(" + String.join(" ", java.util.Arrays.copyOf(a0, 4)) + ")" : "");
        int plain = diff.length();
        String[] names = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
        for (int i = 0; i < 16; i++) {
            if (!a[1 + i].equals(b[1 + i])) {
                diff.append(String.format(" %s: native %s emulator %s;", names[i], a[1 + i], b[1 + i]));
            }
        }
        long fa = Long.parseUnsignedLong(a[17], 16) & c.flagMask, fb = Long.parseUnsignedLong(b[17], 16) & c.flagMask;
        if (fa != fb) {
            diff.append(String.format(" flags: native %s [%s] emulator %s [%s] (compared %s);", Long.toHexString(fa),
                    OopsReport.flagNames(fa), Long.toHexString(fb), OopsReport.flagNames(fb),
                    OopsReport.flagNames(c.flagMask)));
        }
        for (int i = 0; i < 32; i++) {
            if (!a[18 + i].equals(b[18 + i])) {
                diff.append(String.format(" xmm%d.%s: native %s emulator %s;", i / 2, i % 2 == 0 ? "lo" : "hi",
                        a[18 + i], b[18 + i]));
            }
        }
        if (!a[MXCSR_FIELD].equals(b[MXCSR_FIELD])) {
            diff.append(String.format(" mxcsr: native %s emulator %s;", a[MXCSR_FIELD], b[MXCSR_FIELD]));
        }
        String ma = String.join(" ", java.util.Arrays.copyOfRange(a, MXCSR_FIELD + 1, a.length));
        String mb = String.join(" ", java.util.Arrays.copyOfRange(b, MXCSR_FIELD + 1, b.length));
        if (!ma.equals(mb)) {
            diff.append(" memory: native ").append(ma).append(" emulator ").append(mb);
        }
        return diff.length() == plain ? null : diff.toString();
    }
}
