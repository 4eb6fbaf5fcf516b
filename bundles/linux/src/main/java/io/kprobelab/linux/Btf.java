package io.kprobelab.linux;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A kernel's BTF type information (Documentation/bpf/btf.rst): the layouts of its structures as
 * the kernel was compiled, read from the kernel itself (as libbpf's CO-RE reads
 * {@code /sys/kernel/btf/vmlinux}).
 *
 * <pre>
 *   BtfMember pid = btf.member("task_struct", "pid");        // offset(), size()
 *   BtfMember sp = btf.member("task_struct", "thread.sp");   // through the embedded thread_struct
 * </pre>
 */
@ProviderType
public interface Btf {

    /** The number of types; ids run from 1 to this (0 is void). */
    int typeCount();

    /** The kind of type {@code id}. */
    BtfKind kind(int id);

    /** The name of type {@code id} ("" for an anonymous one). */
    String name(int id);

    /** Ids of every type named {@code name}, in id order. */
    List<Integer> find(String name);

    /**
     * The complete struct or union named {@code name} (not a forward declaration).
     *
     * @throws IllegalArgumentException if there is none
     */
    int struct(String name);

    /**
     * The size of type {@code id} in bytes, through typedef, const, volatile, restrict and type
     * tags; an array is its element count times its element's size; a pointer is 8 bytes.
     *
     * @throws IllegalArgumentException for a type without a size (void, a function, a forward declaration)
     */
    long sizeOf(int id);

    /** The size of the struct or union named {@code name}. */
    default long sizeOf(String structName) {
        return sizeOf(struct(structName));
    }

    /**
     * A member of the struct or union {@code struct} by a dotted {@code path} ({@code "pid"},
     * {@code "thread.sp"}); members of anonymous structs and unions are found as if they were
     * direct members, as C names them.
     *
     * @throws IllegalArgumentException naming the part of the path that does not exist
     */
    BtfMember member(String struct, String path);

    /** The variables of the DATASEC named {@code section} (e.g. {@code .data..percpu}); empty if none. */
    List<BtfVar> datasec(String section);

    /**
     * Parses BTF bytes (the {@code .BTF} section, or {@code __start_BTF} to {@code __stop_BTF}).
     *
     * @throws LinuxImageException if they are not BTF, are truncated, or hold a kind this reader does not know
     */
    static Btf parse(String name, byte[] bytes) throws LinuxImageException {
        return io.kprobelab.linux.internal.btf.BtfReader.parse(name, bytes);
    }
}
