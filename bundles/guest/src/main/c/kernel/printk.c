// SPDX-License-Identifier: Apache-2.0
/*
 * Console output (the roles of kernel/printk/printk.c and the 8250 serial
 * driver).  Each printk line gets a "[seconds.micros] " prefix in virtual
 * time (timer ticks times the tick length), and is also kept in __log_buf,
 * a ring the host can read by symbol (what dmesg reads).
 */
#include "kernel.h"
#include "sched.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

#define LOG_BUF_LEN 16384
char __log_buf[LOG_BUF_LEN];
u64 log_next; /* total bytes ever logged; the ring index is log_next % LOG_BUF_LEN */
static bool line_start = true;

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		;
	outb(COM1, (u8)c);
}

static void log_putc(char c)
{
	__log_buf[log_next++ % LOG_BUF_LEN] = c;
	serial_putc(c);
}

static int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	for (const char *p = buf; *p; p++) {
		if (line_start) {
			char ts[32];
			u64 ns = jiffies * tick_ns;
			snprintf(ts, sizeof(ts), "[%5lu.%06lu] ", ns / 1000000000,
				 ns / 1000 % 1000000);
			for (const char *t = ts; *t; t++)
				log_putc(*t);
		}
		log_putc(*p);
		line_start = *p == '\n';
	}
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* Walk the frame-pointer chain (every function keeps RBP, -fno-omit-frame-pointer). */
void show_backtrace(u64 rbp)
{
	printk("Call Trace:\n");
	for (int depth = 0; depth < 32; depth++) {
		if (rbp < PAGE_OFFSET || (rbp & 7))
			break;
		u64 *frame = (u64 *)rbp;
		if (frame[1] < __START_KERNEL_map)
			break;
		printk(" [<%016lx>]\n", frame[1]);
		rbp = frame[0];
	}
}

/*
 * Power off: first the status byte to port 0xf4 (QEMU's isa-debug-exit; the
 * KprobeLab machine records it as the guest's exit status), then SLP_EN to
 * the ACPI PM1a control port 0x604 (QEMU q35), which powers off.
 */
__noreturn void machine_power_off(int code)
{
	printk("Power down (status %d)\n", code);
	outb(0xf4, (u8)code);
	outw(0x604, 0x2000);
	for (;;)
		asm volatile("cli; hlt");
}

__noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	asm volatile("cli");
	printk("Kernel panic - not syncing: %s\n", buf);
	show_backtrace((u64)__builtin_frame_address(0));
	machine_power_off(255);
}
