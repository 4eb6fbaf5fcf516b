package io.kprobelab.machine.elf;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.internal.HostCpu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Narrows a whole-function mismatch down to one instruction: the same low-address image runs
 * natively under ptrace single-step ({@code native_tracer.c}) and in the emulator under TF
 * single-step (a #BP planted at the entry, then #DB after every instruction, both consumed by a
 * trap sink); the two register traces are compared step by step.
 *
 * <p>Both sides run the function on {@code oracle_stack} (guest_runtime.c), at the same address,
 * so stack addresses compare equal. Registers the function has not written yet hold different
 * junk on the two sides, so a register counts as different only when at least one side changed
 * it since entry. Runs of one RIP (a single-stepped {@code rep} prefix traps per iteration on
 * the host) collapse to their first step.
 */
final class DivergenceFinder {

    /** Trace columns: RIP, then the GPRs in encoding order, then RFLAGS. */
    private static final String[] NAMES = {"rip", "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rflags"};
    private static final int RFLAGS = 17;
    /** CF PF AF ZF SF OF: the status flags. */
    private static final long STATUS_FLAGS = 0x8d5;

    private DivergenceFinder() {
    }

    /**
     * The outcome of a comparison. Status flags are compared at every step as the host allows
     * ({@link HostCpu}): on an AMD host every flag; on another one a flag may first differ only
     * after an instruction for which the SDM leaves it undefined (and then carries the difference
     * until it is written again).
     *
     * @param agree        every register at every step and the step count agree
     * @param steps        steps compared
     * @param flagsNote    where the status flags first differed as this host allows, or empty
     * @param flagsFailure where they first differed as this host does not allow, or empty
     * @param text         the description for a failure message
     */
    record Outcome(boolean agree, int steps, String flagsNote, String flagsFailure, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** Builds the low-address image for {@code flags}, traces {@code fn(args)} both ways, and describes the first divergence. */
    static String explain(String level, List<String> flags, String fn, long[] args) {
        return trace(level, flags, fn, args).text();
    }

    /** As {@link #explain}, with the outcome in parts. */
    static Outcome trace(String level, List<String> flags, String fn, long[] args) {
        return trace("oracle-" + level, Gcc.FREESTANDING, flags, List.of("oracle.c", "guest_runtime.c"), fn, args);
    }

    /**
     * As {@link #trace(String, List, String, long[])} for another build: {@code baseFlags} instead
     * of {@link Gcc#FREESTANDING} and other sources (which must include guest_runtime.c, for
     * {@code oracle_stack}); {@code name} names the image.
     */
    static Outcome trace(String name, List<String> baseFlags, List<String> flags, List<String> sources, String fn, long[] args) {
        try {
            Path tracer = Gcc.build("native_tracer", List.of("-O2", "-Wall", "-Werror"), List.of("native_tracer.c"), List.of());
            List<String> lowFlags = new ArrayList<>(baseFlags);
            lowFlags.addAll(List.of("-mcmodel=kernel", "-Wl,-Ttext-segment=0x400000", "-Wl,-e,_start"));
            lowFlags.addAll(flags);
            Path elf = Gcc.build(name + ".low.elf", lowFlags, sources, List.of());
            ElfImage image = ElfImage.read(elf);
            long address = symbol(image, fn).address();
            Symbol stack = symbol(image, "oracle_stack");
            long stackTop = (stack.address() + stack.size()) & ~15L;

            List<String> cmd = new ArrayList<>(List.of(tracer.toString(), elf.toString(), Long.toHexString(address)));
            for (long a : args) {
                cmd.add(Long.toHexString(a));
            }
            cmd.add(Long.toHexString(stackTop));
            List<long[]> host = new ArrayList<>();
            long hostResult = 0, hostStack = 0;
            for (String line : Gcc.run(cmd).split("\n")) {
                if (line.startsWith("result ")) {
                    hostResult = Long.parseUnsignedLong(line.substring(7), 16);
                } else if (line.startsWith("stack_top ")) {
                    hostStack = Long.parseUnsignedLong(line.substring(10), 16);
                } else {
                    String[] f = line.split(" ");
                    long[] row = new long[NAMES.length];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = Long.parseUnsignedLong(f[i], 16);
                    }
                    host.add(row);
                }
            }
            EmulatorTrace emu = EmulatorTrace.run(image, address, args, stackTop);
            if (hostStack != stackTop - 8) {
                return new Outcome(false, 0, "", "", String.format("(the native run used stack 0x%x, not oracle_stack)", hostStack));
            }
            return compare(elf, host, hostResult, emu);
        } catch (Exception | AssertionError e) {
            return new Outcome(false, 0, "", "", "(could not trace: " + e + ")");
        }
    }

    private static Outcome compare(Path elf, List<long[]> hostRaw, long hostResult, EmulatorTrace emu)
            throws Exception {
        List<long[]> host = collapse(hostRaw), guest = collapse(emu.steps);
        Map<Long, String> disasm = disassemble(elf);
        StringBuilder out = new StringBuilder();
        out.append(String.format("low-address image: native 0x%x, emulator %s; %d/%d steps traced.",
                hostResult, emu.result, host.size(), guest.size()));
        if (host.isEmpty() || guest.isEmpty()) {
            return new Outcome(false, 0, "", "", out.append(" Nothing to compare (emulator: ").append(emu.note).append(')').toString());
        }
        String flagsNote = "", flagsFailure = "";
        long differing = 0; // status flags that differ at the previous step
        for (int i = 0; i < Math.min(host.size(), guest.size()); i++) {
            long[] h = host.get(i), g = guest.get(i);
            List<String> diffs = new ArrayList<>();
            if (h[0] != g[0]) {
                diffs.add(String.format("rip native 0x%x, emulator 0x%x (%s)", h[0], g[0], disasm.getOrDefault(g[0], "?")));
            }
            for (int r = 1; r < RFLAGS; r++) {
                long hv = h[r], gv = g[r];
                boolean hChanged = h[r] != host.get(0)[r], gChanged = g[r] != guest.get(0)[r];
                if ((hChanged || gChanged) && hv != gv) {
                    diffs.add(String.format("%s native 0x%x, emulator 0x%x", NAMES[r], h[r], g[r]));
                }
            }
            String previous = i == 0 ? "entry" : String.format("0x%x: %s", host.get(i - 1)[0],
                    disasm.getOrDefault(host.get(i - 1)[0], "?"));
            if (!diffs.isEmpty()) {
                out.append(String.format(" First divergence at step %d, after executing [%s]: %s.", i, previous,
                        String.join("; ", diffs)));
                out.append(flagsFailure).append(flagsNote);
                out.append(" Preceding instructions:");
                for (int k = Math.max(0, i - 4); k < i; k++) {
                    out.append(String.format(" | 0x%x: %s", host.get(k)[0], disasm.getOrDefault(host.get(k)[0], "?")));
                }
                return new Outcome(false, i, flagsNote, flagsFailure, out.toString());
            }
            // Like the registers: a flag counts only once one side changed it since entry.
            long changed = ((h[RFLAGS] ^ host.get(0)[RFLAGS]) | (g[RFLAGS] ^ guest.get(0)[RFLAGS])) & STATUS_FLAGS;
            long diff = (h[RFLAGS] ^ g[RFLAGS]) & changed;
            long fresh = i == 0 ? 0 : diff & ~differing;
            if (fresh != 0) {
                String insn = disasm.getOrDefault(host.get(i - 1)[0], "?");
                long tolerated = HostCpu.exactFlags() ? 0 : HostCpu.sdmUndefined(insn);
                String what = String.format("status flags first differed at step %d after [%s]: native 0x%x, emulator"
                        + " 0x%x (%s)", i, previous, h[RFLAGS] & changed, g[RFLAGS] & changed, flagNames(fresh));
                if ((fresh & ~tolerated) != 0 && flagsFailure.isEmpty()) {
                    flagsFailure = " (" + what + "; " + (HostCpu.exactFlags()
                            ? "on an AMD host every flag must agree" : "not flags the SDM leaves undefined after it") + ".)";
                } else if ((fresh & ~tolerated) == 0 && flagsNote.isEmpty()) {
                    flagsNote = " (" + what + ": flags the SDM leaves undefined after it, not compared on this host.)";
                }
            }
            differing = diff;
        }
        if (host.size() > guest.size()) {
            long next = host.get(guest.size())[0];
            out.append(String.format(" Traces agree for %d steps; then the emulator stops, before [0x%x: %s]"
                    + " (native goes on for %d steps).", guest.size(), next, disasm.getOrDefault(next, "?"), host.size()));
        } else if (host.size() < guest.size()) {
            out.append(String.format(" Traces agree for %d steps; then the native run returns, the emulator goes on"
                    + " for %d steps.", host.size(), guest.size()));
        } else if (flagsFailure.isEmpty()) {
            out.append(" Registers agree at every step: the difference is in memory or in the return path.");
        } else {
            out.append(" Registers agree at every step, status flags do not.");
        }
        boolean agree = host.size() == guest.size() && emu.result.equals("0x" + Long.toHexString(hostResult));
        return new Outcome(agree, Math.min(host.size(), guest.size()), flagsNote, flagsFailure,
                out.append(flagsFailure).append(flagsNote).toString());
    }

    /** {@code OF SF} for a mask of status flags. */
    static String flagNames(long mask) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "", "OF"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((mask & (1L << bit)) != 0 && !names[bit].isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(names[bit]);
            }
        }
        return sb.toString();
    }

    private static List<long[]> collapse(List<long[]> steps) {
        List<long[]> out = new ArrayList<>();
        for (long[] s : steps) {
            if (out.isEmpty() || out.get(out.size() - 1)[0] != s[0]) {
                out.add(s);
            }
        }
        return out;
    }

    private static Symbol symbol(ElfImage image, String name) {
        return image.symbols().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no symbol " + name + " in " + image.name()));
    }

    private static final Map<Path, Map<Long, String>> DISASSEMBLY = new HashMap<>();

    private static synchronized Map<Long, String> disassemble(Path elf) throws Exception {
        Map<Long, String> cached = DISASSEMBLY.get(elf);
        if (cached != null) {
            return cached;
        }
        Map<Long, String> map = new HashMap<>();
        DISASSEMBLY.put(elf, map);
        Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\t(?:[0-9a-f]{2} )+\\s*\\t(.*)$")
                .matcher(Gcc.run(List.of("objdump", "-d", "-M", "intel", elf.toString())));
        while (m.find()) {
            map.put(Long.parseUnsignedLong(m.group(1), 16), m.group(2).trim());
        }
        return map;
    }

    /** The emulator's side: TF single-step through a trap sink. */
    static final class EmulatorTrace {
        final List<long[]> steps = new ArrayList<>();
        String result = "?";
        String note = "";

        static EmulatorTrace run(ElfImage image, long entry, long[] args, long stackTop) throws Exception {
            EmulatorTrace t = new EmulatorTrace();
            long lo = Long.MAX_VALUE, hi = 0;
            for (ElfImage.Segment s : image.segments()) {
                if (s.executable()) {
                    lo = Math.min(lo, s.vaddr());
                    hi = Math.max(hi, s.vaddr() + s.memSize());
                }
            }
            final long textLo = lo, textHi = hi;
            Machine m = tracingMachine();
            m.loadBare(image);
            GuestMemory mem = m.memory();
            byte[] original = {(byte) mem.readU8(entry)};
            mem.poke(entry, new byte[] {(byte) 0xcc}, 0, 1);
            boolean[] started = {false};
            m.setTrapSink((cpu, trap) -> {
                PtRegs r = cpu.regs();
                if (trap.vector() == Trap.BP && !started[0] && r.ip() - 1 == entry) {
                    try {
                        cpu.memory().poke(entry, original, 0, 1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    started[0] = true;
                    r.setIp(entry);
                    // Continue on oracle_stack, as the native run does: same return address, same RSP.
                    try {
                        cpu.memory().writeU64(stackTop - 8, cpu.memory().readU64(r.sp()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    r.set(Reg.RSP, stackTop - 8);
                    t.record(r);
                    r.set(Reg.RFLAGS, r.flags() | PtRegs.FLAG_TF);
                    return true;
                }
                if (trap.vector() == Trap.DB && started[0]) {
                    if (Long.compareUnsigned(r.ip() - textLo, textHi - textLo) < 0) {
                        t.record(r);
                        if (t.steps.size() > 5_000_000) {
                            r.set(Reg.RFLAGS, r.flags() & ~PtRegs.FLAG_TF);
                        }
                    } else {
                        r.set(Reg.RFLAGS, r.flags() & ~PtRegs.FLAG_TF);
                    }
                    return true;
                }
                return false;
            });
            try {
                t.result = "0x" + Long.toHexString(m.call(entry, args).rax());
            } catch (RuntimeException e) {
                t.result = e.toString().replace("\n", " | ");
            } finally {
                m.setTrapSink(null);
            }
            if (!started[0]) {
                t.note = "the planted int3 at the entry never reached the trap sink";
            }
            return t;
        }

        private static Machine tracingMachine;

        /** One machine for every trace: a machine's memory and vCPU thread are never released. */
        private static synchronized Machine tracingMachine() {
            if (tracingMachine == null) {
                tracingMachine = Machines.create(1, 32);
            }
            return tracingMachine;
        }

        private void record(PtRegs r) {
            long[] row = new long[NAMES.length];
            row[0] = r.ip();
            for (int i = 0; i < 16; i++) {
                row[1 + i] = r.get(Reg.gpr(i));
            }
            row[RFLAGS] = r.flags();
            steps.add(row);
        }
    }
}
