package io.kprobelab.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bare-mode ELF the integration tests boot: a few C functions compiled by the host's gcc as
 * a static, freestanding image linked at the kernel's text address.
 */
public final class GuestElf {

    /** What the tests call; each function's instruction count was checked by hand with objdump. */
    static final String SOURCE = String.join("\n",
            "long add3(long a, long b, long c) { return a + b + c; }",
            "long sum_squares(long n) { long s = 0; for (long i = 1; i <= n; i++) s += i * i; return s; }",
            "long bp_add1(long x) { __asm__ volatile(\"int3\"); return x + 1; }",
            // the kprobes tests' target, and a caller the compiler can neither inline it into
            // (a volatile pointer) nor tail-call it from (the barrier after the call)
            "long kprobe_target(long v) { return v / 3; }",
            "long (*volatile kprobe_target_ptr)(long) = kprobe_target;",
            "long kprobe_caller(long v) { long r = kprobe_target_ptr(v); __asm__ volatile(\"\" ::: \"memory\"); return r; }",
            // what the example probe bundles target by default, in the guest kernel's shape:
            // sys_mkdir calls do_mkdirat, which fails with -EEXIST for a negative argument
            "long do_mkdirat(long v) { return v < 0 ? -17 : 0; }",
            "long (*volatile do_mkdirat_ptr)(long) = do_mkdirat;",
            "long sys_mkdir(long v) { long r = do_mkdirat_ptr(v); __asm__ volatile(\"\" ::: \"memory\"); return r; }",
            "long (*volatile sys_mkdir_ptr)(long) = sys_mkdir;",
            "long mkdir_caller(long v) { long r = sys_mkdir_ptr(v); __asm__ volatile(\"\" ::: \"memory\"); return r; }",
            "");

    /** Instructions retired by {@code add3}: add, lea, ret (objdump -d). */
    static final int ADD3_INSNS = 3;

    /**
     * Instructions retired by {@code sum_squares(1000)} (gcc -O2, objdump -d): test, jle, add,
     * mov, xor before the loop; mov, imul, add, add, cmp, jne per iteration; mov, ret after it:
     * 5 + 6 * 1000 + 2.
     */
    static final int SUM_SQUARES_1000_INSNS = 6007;

    private GuestElf() {
    }

    /** Builds (once per build directory) and returns the ELF. */
    public static synchronized Path build() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("kprobelab.build.dir", "target"), "guest-elf").toAbsolutePath();
        Path elf = dir.resolve("itest.elf");
        Path src = dir.resolve("itest.c");
        if (Files.isRegularFile(elf) && Files.isRegularFile(src)
                && Files.readString(src, StandardCharsets.UTF_8).equals(SOURCE)) {
            return elf;
        }
        Files.createDirectories(dir);
        Files.writeString(src, SOURCE, StandardCharsets.UTF_8);
        run(List.of("gcc", "-O2", "-static", "-nostdlib", "-ffreestanding", "-fno-pic", "-no-pie",
                "-mgeneral-regs-only", "-mcmodel=kernel", "-mno-red-zone",
                "-Wl,-Ttext-segment=0xffffffff81000000", "-Wl,-e,add3", "-o", elf.toString(), src.toString()));
        return elf;
    }

    /** The {@code nm} line for a symbol, as kallsyms prints it: {@code ffffffff81001000 T add3}. */
    public static String nm(Path elf, String symbol) throws IOException, InterruptedException {
        for (String line : run(List.of("nm", elf.toString()))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].equals(symbol)) {
                return line.trim();
            }
        }
        throw new AssertionError("nm has no " + symbol + " in " + elf);
    }

    private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            r.lines().forEach(out::add);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + String.join("\n", out));
        }
        return out;
    }
}
