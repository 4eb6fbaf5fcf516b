// SPDX-License-Identifier: Apache-2.0
/*
 * Starting programs (the roles of kernel/fork.c:copy_process + copy_thread
 * and fs/binfmt_elf.c:load_elf_binary, fused into one spawn).  Programs are
 * static ELF64 executables built into the image (programs.S); each gets a
 * fresh address space, a 64 KiB stack below USER_STACK_TOP with argc/argv as
 * the SysV ABI lays them out, and a kernel stack whose first switch returns
 * through ret_from_fork into ring 3.
 */
#include "kernel.h"
#include "sched.h"
#include "fs.h"
#include "uaccess.h"
#include "unistd.h"
#include "syscalls.h"

#define USER_STACK_TOP 0x00007ffffffff000UL
#define USER_STACK_SIZE (64 * 1024UL)
#define MAX_ARGS 16
#define MAX_ARG_LEN 256

struct program {
	const char *name;
	const u8 *start, *end;
};
extern const struct program __start_programs[], __stop_programs[];
extern char ret_from_fork[];

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PF_W 2
#define ET_EXEC 2
#define EM_X86_64 62

static pid_t next_pid = 1;

const struct program *find_program(const char *name)
{
	if (!strncmp(name, "/bin/", 5))
		name += 5;
	for (const struct program *p = __start_programs; p < __stop_programs; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* Copy bytes into another address space through the direct map. */
static int put_user_bytes(struct mm_struct *mm, u64 va, const void *src, u64 len)
{
	const u8 *s = src;
	while (len) {
		u8 *dst = user_page_kaddr(mm, va);
		if (!dst)
			return -EFAULT;
		u64 chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		memcpy(dst, s, chunk);
		va += chunk, s += chunk, len -= chunk;
	}
	return 0;
}

static long load_elf_binary(struct mm_struct *mm, const struct program *prog, u64 *entry)
{
	const struct elf64_ehdr *eh = (const void *)prog->start;
	u64 size = (u64)(prog->end - prog->start);
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->type != ET_EXEC ||
	    eh->machine != EM_X86_64 || eh->phoff + (u64)eh->phnum * sizeof(struct elf64_phdr) > size)
		return -ENOEXEC;
	const struct elf64_phdr *ph = (const void *)(prog->start + eh->phoff);
	for (int i = 0; i < eh->phnum; i++, ph++) {
		if (ph->type != PT_LOAD)
			continue;
		if (ph->vaddr + ph->memsz > USER_STACK_TOP - USER_STACK_SIZE ||
		    ph->offset + ph->filesz > size || ph->filesz > ph->memsz)
			return -ENOEXEC;
		long err = mm_populate(mm, ph->vaddr, ph->memsz, ph->flags & PF_W);
		if (err)
			return err;
		put_user_bytes(mm, ph->vaddr, prog->start + ph->offset, ph->filesz);
	}
	*entry = eh->entry;
	return 0;
}

/* argc, argv[], NULL, envp NULL, auxv AT_NULL: what _start expects at RSP. */
static long setup_arg_pages(struct mm_struct *mm, int argc, char *const argv[], u64 *sp)
{
	u64 strings[MAX_ARGS];
	u64 top = USER_STACK_TOP;
	long err = mm_populate(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, true);
	if (err)
		return err;
	for (int i = argc - 1; i >= 0; i--) {
		u64 len = strlen(argv[i]) + 1;
		top -= len;
		put_user_bytes(mm, top, argv[i], len);
		strings[i] = top;
	}
	top &= ~15UL;
	u64 words = 1 + argc + 1 + 1 + 2;
	top -= words * 8;
	top &= ~15UL; /* RSP % 16 == 0 at _start */
	u64 v = (u64)argc;
	put_user_bytes(mm, top, &v, 8);
	for (int i = 0; i < argc; i++)
		put_user_bytes(mm, top + 8 + i * 8, &strings[i], 8);
	*sp = top; /* the rest of the stack is already zero: NULLs and AT_NULL */
	return 0;
}

/* Build the kernel stack so that the first switch ends in ring 3 at entry. */
static void copy_thread(struct task_struct *t, u64 entry, u64 user_sp)
{
	struct pt_regs *regs = (struct pt_regs *)((u8 *)t->stack + THREAD_SIZE) - 1;
	memset(regs, 0, sizeof(*regs));
	regs->ip = entry;
	regs->cs = __USER_CS;
	regs->flags = 0x202; /* IF */
	regs->sp = user_sp;
	regs->ss = __USER_DS;
	u64 *frame = (u64 *)regs - 7; /* r15 r14 r13 r12 rbx rbp, return address */
	memset(frame, 0, 6 * 8);
	frame[6] = (u64)ret_from_fork;
	t->sp = (u64)frame;
}

pid_t kernel_spawn(const char *name, int argc, char *const argv[])
{
	const struct program *prog = find_program(name);
	if (!prog)
		return -ENOENT;
	if (argc > MAX_ARGS)
		return -E2BIG;
	struct task_struct *t = kzalloc(sizeof(*t));
	union thread_union *stack = __get_free_pages(THREAD_ORDER);
	struct mm_struct *mm = mm_alloc();
	long err = -ENOMEM;
	u64 entry, sp;
	if (!t || !stack || !mm)
		goto fail;
	err = load_elf_binary(mm, prog, &entry);
	if (!err)
		err = setup_arg_pages(mm, argc, argv, &sp);
	if (err)
		goto fail;
	stack->info.task = t;
	stack->info.canary = STACK_END_MAGIC;
	t->stack = stack;
	t->mm = mm;
	t->pid = next_pid++;
	t->parent = current;
	t->state = TASK_INTERRUPTIBLE; /* until wake_up_process below */
	strncpy_pad(t->comm, prog->name, sizeof(t->comm));
	for (int fd = 0; fd < 3; fd++)
		t->files[fd] = &console_file;
	INIT_LIST_HEAD(&t->run_list);
	copy_thread(t, entry, sp);
	list_add_tail(&t->tasks, &task_list);
	wake_up_process(t);
	return t->pid;
fail:
	if (mm)
		mm_release(mm);
	if (stack)
		free_pages(stack, THREAD_ORDER);
	kfree(t);
	return err;
}

/* spawn(path, argv): KprobeLab's way to start a program (no fork/execve). */
long sys_spawn(const char *upath, char *const *uargv)
{
	char name[64];
	char *argv[MAX_ARGS];
	int argc = 0;
	long ret = strncpy_from_user(name, upath, sizeof(name));
	if (ret < 0)
		return ret;
	if (ret == sizeof(name))
		return -ENAMETOOLONG;
	if (!uargv) {
		argv[argc++] = name;
		return kernel_spawn(name, argc, argv);
	}
	for (;;) {
		char *uarg;
		if (copy_from_user(&uarg, &uargv[argc], sizeof(uarg))) {
			ret = -EFAULT;
			goto out;
		}
		if (!uarg)
			break;
		if (argc == MAX_ARGS) {
			ret = -E2BIG;
			goto out;
		}
		char *arg = kmalloc(MAX_ARG_LEN);
		if (!arg) {
			ret = -ENOMEM;
			goto out;
		}
		argv[argc++] = arg;
		ret = strncpy_from_user(arg, uarg, MAX_ARG_LEN);
		if (ret < 0)
			goto out;
		if (ret == MAX_ARG_LEN) {
			ret = -E2BIG;
			goto out;
		}
	}
	ret = kernel_spawn(name, argc, argv);
out:
	while (argc)
		kfree(argv[--argc]);
	return ret;
}
