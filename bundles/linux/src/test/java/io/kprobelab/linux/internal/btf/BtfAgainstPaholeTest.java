package io.kprobelab.linux.internal.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.Btf;
import io.kprobelab.linux.BtfMember;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.TestKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every named member of the structures kprobes and the shell read, as our BTF reader places them,
 * against pahole reading the same BTF: the team's vmlinux, and the vmlinux inside Debian's cloud
 * kernel (an SMP distribution build with randomised-layout-free but much larger structures).
 */
class BtfAgainstPaholeTest {

    static final List<String> STRUCTS = List.of("task_struct", "mm_struct", "list_head", "pt_regs", "thread_struct",
            "thread_info", "file", "inode", "cred", "sched_entity");

    @Test
    void teamKernel() throws Exception {
        Path vmlinux = TestKernels.team("vmlinux");
        compare(LinuxKernel.open(vmlinux).btf(), vmlinux);
    }

    @Test
    void distroKernel(@TempDir Path tmp) throws Exception {
        LinuxKernel k = LinuxKernel.open(TestKernels.distroKernel());
        Path elf = tmp.resolve("vmlinux");
        Files.write(elf, k.elf().fileBytes());
        Btf btf = k.btf();
        compare(btf, elf);
        // Per-CPU variables: BTF's DATASEC offsets are the per-CPU addresses kallsyms lists.
        long currentTask = k.symbols().stream().filter(s -> s.name().equals("current_task")).findFirst()
                .orElseThrow().address();
        assertTrue(btf.datasec(".data..percpu").stream()
                .anyMatch(v -> v.name().equals("current_task") && v.offset() == currentTask && v.size() == 8));
    }

    static void compare(Btf btf, Path elf) {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String struct : STRUCTS) {
            Pahole.Struct p = Pahole.read(elf, struct);
            if (btf.sizeOf(struct) != p.size()) {
                wrong.add(struct + " size " + btf.sizeOf(struct) + ", pahole " + p.size());
            }
            for (Map.Entry<String, Pahole.Layout> e : p.members().entrySet()) {
                BtfMember m = btf.member(struct, e.getKey());
                Pahole.Layout l = e.getValue();
                if (m.bitOffset() != l.bitOffset() || m.bitSize() != l.bitSize() || m.size() != l.size()) {
                    wrong.add(struct + "." + e.getKey() + ": ours " + m + ", pahole " + l);
                }
                checked++;
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(checked > 200, checked + " members compared");
        BtfMember thread = btf.member("task_struct", "thread");
        assertEquals(thread.offset() + btf.member("thread_struct", "sp").offset(),
                btf.member("task_struct", "thread.sp").offset());
        assertEquals(16, btf.member("task_struct", "comm").size());
        assertEquals(0, btf.member("task_struct", "thread_info").offset());
    }
}
