/** Kernel symbols: System.map, the kernel's own kallsyms tables, and the checks that they belong to the image. */
package io.kprobelab.linux.internal.symbols;
