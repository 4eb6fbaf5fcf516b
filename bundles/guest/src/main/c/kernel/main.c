// SPDX-License-Identifier: Apache-2.0
/*
 * start_kernel (the role of init/main.c): bring the machine up in order,
 * start the first program named by the command line (pid 1), and become
 * the idle task.
 */
#include "kernel.h"
#include "boot.h"
#include "sched.h"
#include "fs.h"

void cpu_init(void);
void apic_timer_init(u64 insns_per_tick, u32 flags, int vector, int spurious);

extern char _text[], _etext[], _end[];
struct boot_info boot_info;

#define MAX_INIT_ARGS 16

/* Split a command line into argv in place (spaces separate words); default "init". */
int parse_cmdline(char *line, char *argv[], int max)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < max) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (!argc)
		argv[argc++] = "init";
	return argc;
}

void start_kernel(u64 boot_info_pa)
{
	/* The loader's direct map is still in use: copy boot_info before anything else. */
	memcpy(&boot_info, __va(boot_info_pa), sizeof(boot_info));
	boot_info.cmdline[BOOT_CMDLINE_SIZE - 1] = 0;
	if (boot_info.magic != BOOT_INFO_MAGIC || boot_info.version != BOOT_INFO_VERSION)
		panic("bad boot_info magic %x version %u", boot_info.magic, boot_info.version);
	if (boot_info.insns_per_tick)
		tick_ns = boot_info.insns_per_tick;

	printk("KprobeLab guest kernel, %lu MiB RAM, %u CPU(s), tick %lu instructions\n",
	       boot_info.ram_size >> 20, boot_info.nr_cpus, boot_info.insns_per_tick);
	printk("Command line: %s\n", boot_info.cmdline);
	printk("text %lx-%lx, image end %lx\n", (u64)_text, (u64)_etext, (u64)_end);

	page_alloc_init(__pa_symbol(_end), boot_info.ram_size);
	paging_init(boot_info.ram_size < MAX_RAM ? boot_info.ram_size : MAX_RAM);
	cpu_init();
	sched_init();
	fs_init();
	apic_timer_init(tick_ns, boot_info.flags, 0xec, 0xff);
	printk("Memory: %lu KiB free\n", nr_free_pages() * 4);

	char *argv[MAX_INIT_ARGS];
	int argc = parse_cmdline(boot_info.cmdline, argv, MAX_INIT_ARGS);
	pid_t pid = kernel_spawn(argv[0], argc, argv);
	if (pid < 0) {
		printk("cannot run %s: error %d\n", argv[0], pid);
		machine_power_off(127);
	}
	cpu_idle();
}
