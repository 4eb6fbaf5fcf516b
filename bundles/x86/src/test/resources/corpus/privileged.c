/* Privileged and special instructions through inline assembly, as arch/x86 code uses them. */
typedef unsigned long u64;
typedef unsigned int u32;

struct desc_ptr { unsigned short size; unsigned long address; } __attribute__((packed));

void native_cli(void) { asm volatile("cli" ::: "memory"); }
void native_sti(void) { asm volatile("sti" ::: "memory"); }
void native_halt(void) { asm volatile("hlt" ::: "memory"); }
void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }
void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
void bug(void) { asm volatile("ud2"); }
void breakpoint(void) { asm volatile("int3"); }
void int80(void) { asm volatile("int $0x80"); }

u64 rdtsc(void)
{
	u32 lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

u64 rdtscp(u32 *aux)
{
	u32 lo, hi;
	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
	return ((u64)hi << 32) | lo;
}

void cpuid(u32 op, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(op), "2"(0));
}

u64 read_cr0(void) { u64 v; asm volatile("mov %%cr0,%0" : "=r"(v)); return v; }
u64 read_cr2(void) { u64 v; asm volatile("mov %%cr2,%0" : "=r"(v)); return v; }
u64 read_cr3(void) { u64 v; asm volatile("mov %%cr3,%0" : "=r"(v)); return v; }
void write_cr3(u64 v) { asm volatile("mov %0,%%cr3" : : "r"(v) : "memory"); }
u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4,%0" : "=r"(v)); return v; }
void write_cr4(u64 v) { asm volatile("mov %0,%%cr4" : : "r"(v) : "memory"); }
u64 read_cr8(void) { u64 v; asm volatile("mov %%cr8,%0" : "=r"(v)); return v; }
u64 read_dr7(void) { u64 v; asm volatile("mov %%db7,%0" : "=r"(v)); return v; }
void write_dr0(u64 v) { asm volatile("mov %0,%%db0" : : "r"(v)); }

u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

void swapgs(void) { asm volatile("swapgs" ::: "memory"); }
void sysretq(void) { asm volatile("sysretq"); }
void iretq(void) { asm volatile("iretq"); }
void syscall_insn(void) { asm volatile("syscall" ::: "rcx", "r11", "memory"); }
void load_gdt(const struct desc_ptr *d) { asm volatile("lgdt %0" : : "m"(*d)); }
void load_idt(const struct desc_ptr *d) { asm volatile("lidt %0" : : "m"(*d)); }
void store_gdt(struct desc_ptr *d) { asm volatile("sgdt %0" : "=m"(*d)); }
void store_idt(struct desc_ptr *d) { asm volatile("sidt %0" : "=m"(*d)); }
void load_tr(unsigned short tr) { asm volatile("ltr %0" : : "r"(tr)); }
void load_ldt(unsigned short s) { asm volatile("lldt %0" : : "r"(s)); }
unsigned short store_tr(void) { unsigned short tr; asm volatile("str %0" : "=r"(tr)); return tr; }
void invlpg(unsigned long addr) { asm volatile("invlpg (%0)" : : "r"(addr) : "memory"); }
void wbinvd(void) { asm volatile("wbinvd" ::: "memory"); }
void clts(void) { asm volatile("clts"); }
void clflush(volatile void *p) { asm volatile("clflush %0" : "+m"(*(volatile char *)p)); }
void mfence(void) { asm volatile("mfence" ::: "memory"); }
void lfence(void) { asm volatile("lfence" ::: "memory"); }
void sfence(void) { asm volatile("sfence" ::: "memory"); }
void stac(void) { asm volatile("stac" ::: "memory"); }
void clac(void) { asm volatile("clac" ::: "memory"); }
void monitor_mwait(const void *p)
{
	asm volatile("monitor" : : "a"(p), "c"(0), "d"(0));
	asm volatile("mwait" : : "a"(0), "c"(0));
}
unsigned long long xgetbv(u32 idx)
{
	u32 lo, hi;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((u64)hi << 32) | lo;
}

unsigned char inb(unsigned short port)
{
	unsigned char v;
	asm volatile("inb %1,%0" : "=a"(v) : "Nd"(port));
	return v;
}
void outb(unsigned char v, unsigned short port) { asm volatile("outb %0,%1" : : "a"(v), "Nd"(port)); }
unsigned short inw(unsigned short port)
{
	unsigned short v;
	asm volatile("inw %1,%0" : "=a"(v) : "Nd"(port));
	return v;
}
void outl(u32 v, unsigned short port) { asm volatile("outl %0,%1" : : "a"(v), "Nd"(port)); }
void outb_p80(unsigned char v) { asm volatile("outb %0,$0x80" : : "a"(v)); }
u32 inl_imm(void) { u32 v; asm volatile("inl $0x71,%0" : "=a"(v)); return v; }

unsigned long native_save_fl(void)
{
	unsigned long flags;
	asm volatile("pushfq; popq %0" : "=rm"(flags) : : "memory");
	return flags;
}

void native_restore_fl(unsigned long flags)
{
	asm volatile("pushq %0; popfq" : : "g"(flags) : "memory", "cc");
}

unsigned long this_cpu_read(void)
{
	unsigned long v;
	asm volatile("movq %%gs:0x28,%0" : "=r"(v));
	return v;
}

unsigned long fs_read(unsigned long off)
{
	unsigned long v;
	asm volatile("movq %%fs:(%1),%0" : "=r"(v) : "r"(off));
	return v;
}

void gs_write(int v) { asm volatile("movl %0,%%gs:0x10" : : "r"(v)); }

unsigned long xchg_mem(unsigned long *p, unsigned long v)
{
	asm volatile("xchgq %0,%1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

void nops(void)
{
	asm volatile(".byte 0x0f,0x1f,0x44,0x00,0x00");        /* nop DWORD PTR [rax+rax*1+0x0] */
	asm volatile(".byte 0x66,0x0f,0x1f,0x44,0x00,0x00");   /* nop WORD PTR [rax+rax*1+0x0] */
	asm volatile(".byte 0x66,0x2e,0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00");
	asm volatile(".byte 0x0f,0x1f,0x80,0x00,0x00,0x00,0x00");
	asm volatile(".byte 0x66,0x90");
	asm volatile(".byte 0x0f,0x1f,0x00");
}

void rep_prefixes(void)
{
	asm volatile("rep; ret; nop");                          /* repz ret */
	asm volatile("lock; incl (%rdi)");
	asm volatile("notrack jmp *%rax");
	asm volatile("bnd ret");
}
