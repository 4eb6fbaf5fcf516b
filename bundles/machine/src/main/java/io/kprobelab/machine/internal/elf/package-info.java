/**
 * ELF64 reading for bare mode: validation of static x86-64 executables ({@code ElfReader}) and
 * the kallsyms-style symbol table ({@code ElfSymbolTable}). Not exported.
 */
package io.kprobelab.machine.internal.elf;
