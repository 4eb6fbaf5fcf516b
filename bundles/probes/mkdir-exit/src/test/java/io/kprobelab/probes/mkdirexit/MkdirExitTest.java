package io.kprobelab.probes.mkdirexit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MkdirExitTest {

    @Test
    void handler_printsTheSignedReturnValue() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MkdirExit h = new MkdirExit(new PrintStream(out, true, StandardCharsets.UTF_8));
        h.handle(null, regs(0));
        h.handle(null, regs(-17));
        assertEquals("sys_mkdir exited, returned 0\nsys_mkdir exited, returned -17\n", out.toString(StandardCharsets.UTF_8));
    }

    static PtRegs regs(long rax) {
        return new PtRegs() {
            @Override public long get(Reg reg) { return reg == Reg.RAX ? rax : 0; }
            @Override public void set(Reg reg, long value) { }
            @Override public long argument(int n) { return 0; }
        };
    }
}
