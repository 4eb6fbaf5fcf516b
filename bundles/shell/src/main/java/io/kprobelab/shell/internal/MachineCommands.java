package io.kprobelab.shell.internal;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Formatter;
import io.kprobelab.x86.Insn;
import io.kprobelab.x86.Symbolizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code machine:*} Gogo commands (DESIGN.md section 6). Each returns its output as text,
 * one line per item, or throws an exception whose message is one line.
 */
@Component(service = MachineCommands.class, property = {
        "osgi.command.scope=machine",
        "osgi.command.function=call",
        "osgi.command.function=traps",
        "osgi.command.function=disasm",
        "osgi.command.function=syms",
        "osgi.command.function=regs",
        "osgi.command.function=mem"})
public final class MachineCommands {

    /** Instructions listed by disasm when neither COUNT nor the symbol's size says. */
    static final int DEFAULT_DISASM_COUNT = 16;

    /** Largest dump {@code machine:mem} prints. */
    static final int MAX_DUMP = 1 << 20;

    // Optional and dynamic, so the commands stay registered and can say why there is no machine.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Machine machine;

    /** For DS. */
    public MachineCommands() {
    }

    /** For tests: commands over a given machine. */
    MachineCommands(Machine machine) {
        this.machine = machine;
    }

    private Machine machine() {
        Machine m = machine;
        if (m == null) {
            throw new CommandUnavailable("no machine: the machine service is not running (see the log for why)");
        }
        return m;
    }

    @Descriptor("call a guest function with integer arguments in the SysV registers; "
            + "prints rax=0x<hex> insns=<retired instructions> ns=<host nanoseconds>")
    public String call(
            @Descriptor("run the call N times and print the fastest run")
            @Parameter(names = "--repeat", absentValue = "1") int repeat,
            @Descriptor("the function: a symbol or a 0x-address") String symbol,
            @Descriptor("up to six integer arguments, decimal or 0x-hex, negative allowed") String... arg) {
        Machine m = machine();
        String fn = Operands.word(symbol);
        String[] args = Operands.words(arg);
        if (repeat < 1) {
            throw new CommandError("--repeat must be at least 1, not " + repeat);
        }
        if (args.length > 6) {
            throw new CommandError("at most 6 arguments (SysV registers), not " + args.length);
        }
        long target = function(m.symbols(), fn);
        long[] values = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = Operands.integer(args[i]);
        }
        CallResult best = null;
        for (int i = 0; i < repeat; i++) {
            CallResult r;
            try {
                r = m.call(target, values);
            } catch (GuestOops oops) {
                System.err.println(oops.report()); // the whole oops, as the kernel prints it
                throw oops;
            } catch (java.util.concurrent.CancellationException e) {
                Thread.interrupted(); // ^C: the machine stopped the call and is idle again
                throw new CommandInterrupted();
            }
            if (best == null || r.nanos() < best.nanos()) {
                best = r;
            }
        }
        return best.toString();
    }

    private static long function(SymbolTable symbols, String symbol) {
        Optional<Symbol> s = symbols.lookup(symbol);
        if (s.isPresent()) {
            return s.get().address();
        }
        if (symbol.startsWith("0x") || symbol.startsWith("0X")) {
            return Operands.address(symbol, symbols);
        }
        throw new CommandError("unknown symbol: " + symbol);
    }

    /** The first line of {@code machine:traps}: what the columns are, and since when they count. */
    static final String TRAPS_HEADER = "# vector name count, since boot or the last machine:traps --reset";

    @Descriptor("list the trap vectors seen since boot or the last --reset, under a header: <vector> <name> <count>; "
            + "the counts add up across calls, so --reset before a comparison")
    public String traps(
            @Descriptor("zero the counters after listing them")
            @Parameter(names = "--reset", presentValue = "true", absentValue = "false") boolean reset) {
        Machine m = machine();
        List<String> lines = new ArrayList<>();
        lines.add(TRAPS_HEADER);
        for (int v = 0; v < 256; v++) {
            long n = m.trapCount(v);
            if (n != 0) {
                lines.add(v + " " + Trap.name(v) + " " + n);
            }
        }
        if (reset) {
            m.resetTrapCounts();
        }
        return String.join("\n", lines);
    }

    @Descriptor("disassemble a function (the whole symbol when its size is known, else "
            + DEFAULT_DISASM_COUNT + " instructions)")
    public String disasm(
            @Descriptor("a symbol, symbol+0xoff, or an address") String where) {
        Machine m = machine();
        String w = Operands.word(where);
        SymbolTable symbols = m.symbols();
        long start = Operands.address(w, symbols);
        Optional<Symbol> sym = symbols.lookup(w).filter(s -> s.size() > 0);
        if (sym.isEmpty()) {
            sym = symbols.symbolAt(start).filter(s -> s.address() == start && s.size() > 0);
        }
        return sym.isPresent() ? disassemble(m, start, Integer.MAX_VALUE, start + sym.get().size())
                : disassemble(m, start, DEFAULT_DISASM_COUNT, 0);
    }

    @Descriptor("disassemble a function or an address, COUNT instructions")
    public String disasm(
            @Descriptor("a symbol, symbol+0xoff, or an address") String where,
            @Descriptor("how many instructions") int count) {
        Machine m = machine();
        if (count < 1) {
            throw new CommandError("COUNT must be at least 1, not " + count);
        }
        return disassemble(m, Operands.address(Operands.word(where), m.symbols()), count, 0);
    }

    // Decodes up to count instructions, stopping at end (exclusive) when it is not 0.
    private static String disassemble(Machine m, long start, int count, long end) {
        GuestMemory mem = m.memory();
        Symbolizer names = symbolizer(m.symbols());
        List<String> lines = new ArrayList<>();
        long pc = start;
        for (int i = 0; i < count && (end == 0 || Long.compareUnsigned(pc, end) < 0); i++) {
            byte[] buf = fetch(mem, pc);
            Insn insn = Decoder.decode(buf, 0, buf.length, pc);
            lines.add(Formatter.line(insn, names));
            if (insn.status() == Insn.Status.TRUNCATED) {
                break;
            }
            pc += Math.max(1, insn.length());
        }
        return String.join("\n", lines);
    }

    /** objdump's names: {@code sym} at a symbol's start, {@code sym+0xoff} inside it. */
    static Symbolizer symbolizer(SymbolTable symbols) {
        return address -> symbols.symbolAt(address)
                .map(s -> address == s.address() ? s.name() : s.name() + "+0x" + Long.toHexString(address - s.address()))
                .orElse(null);
    }

    // Up to 15 bytes; fewer when the next page is not mapped, so the last instruction of a
    // mapping can still be listed.
    private static byte[] fetch(GuestMemory mem, long pc) {
        int toPageEnd = (int) (0x1000 - (pc & 0xfff));
        try {
            return mem.read(pc, 15);
        } catch (MemoryFault first) {
            if (toPageEnd < 15) {
                try {
                    return mem.read(pc, toPageEnd);
                } catch (MemoryFault ignored) {
                    // report the first fault below
                }
            }
            throw new CommandError("cannot read 0x" + Long.toHexString(pc) + ": " + first.getMessage());
        }
    }

    @Descriptor("list every symbol as /proc/kallsyms does: <address> <type> <name>")
    public String syms() {
        return syms("*");
    }

    @Descriptor("list the symbols whose names match a glob, as /proc/kallsyms does")
    public String syms(@Descriptor("a glob: * ? [abc] [!abc]; quote it ('sys_*'), else the shell expands it as file names") String pattern) {
        Pattern re = Operands.glob(Operands.word(pattern));
        List<String> lines = new ArrayList<>();
        for (Symbol s : machine().symbols().all()) {
            if (re.matcher(s.name()).matches()) {
                lines.add(Listings.kallsyms(s));
            }
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    @Descriptor("show the registers of vCPU 0 (and the XMM registers that are not zero)")
    public String regs() {
        return regs(0);
    }

    @Descriptor("show the registers of a vCPU (and the XMM registers that are not zero)")
    public String regs(@Descriptor("the vCPU number") int cpu) {
        Machine m = machine();
        List<Vcpu> cpus = m.vcpus();
        if (cpu < 0 || cpu >= cpus.size()) {
            throw new CommandError("no vCPU " + cpu + " (the machine has " + cpus.size() + ")");
        }
        Vcpu v = cpus.get(cpu);
        Map<Reg, Long> values = new EnumMap<>(Reg.class);
        long[] retired = new long[1];
        long[] xmm = new long[32];
        // Registers are only stable while the vCPU is parked.
        m.stopMachine(() -> {
            PtRegs regs = v.regs();
            for (Reg r : Reg.values()) {
                values.put(r, regs.get(r));
            }
            for (int n = 0; n < 16; n++) {
                xmm[2 * n] = regs.xmm(n, false);
                xmm[2 * n + 1] = regs.xmm(n, true);
            }
            retired[0] = v.retired();
        });
        return Listings.registers(cpu, retired[0], values, m.symbols()) + Listings.xmm(xmm);
    }

    @Descriptor("hex dump of guest memory, 16 bytes per line")
    public String mem(
            @Descriptor("a symbol, symbol+0xoff, or an address") String address,
            @Descriptor("how many bytes (decimal or 0x-hex)") String length) {
        Machine m = machine();
        long start = Operands.address(Operands.word(address), m.symbols());
        long len = Operands.integer(Operands.word(length));
        if (len < 1 || len > MAX_DUMP) {
            throw new CommandError("LEN must be 1.." + MAX_DUMP + ", not " + length);
        }
        try {
            return Listings.hexDump(start, m.memory().read(start, (int) len));
        } catch (MemoryFault e) {
            throw new CommandError("cannot read 0x" + Long.toHexString(start) + "+" + len + ": "
                    + e.getMessage());
        }
    }
}
