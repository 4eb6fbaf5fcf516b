/** BTF: the kernel's type information as Documentation/bpf/btf.rst lays it out. */
package io.kprobelab.linux.internal.btf;
