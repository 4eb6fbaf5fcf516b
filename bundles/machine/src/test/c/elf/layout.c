/* A small freestanding image with one symbol of every kind the ELF reader classifies:
 * global and local text, data, read-only data, bss, a weak function, an unsized assembly
 * label and an absolute symbol. Built at kernel and at low addresses by ElfReaderTest. */
typedef unsigned long u64;

u64 counter;                                   /* B */
static u64 local_counter;                      /* b */
u64 initialised = 42;                          /* D */
static volatile u64 local_initialised = 7;          /* d */
const u64 squares[8] = {0, 1, 4, 9, 16, 25, 36, 49};   /* R */

__attribute__((noinline)) static u64 scale(u64 x) {     /* t */
    local_counter += x;
    return x * local_initialised + squares[x & 7];
}

__attribute__((weak)) u64 hook(u64 x) {        /* W in nm: weak text, 'T' here */
    return x + 1;
}

u64 layout_sum(u64 a, u64 b) {                 /* T */
    counter++;
    return scale(a) + hook(b) + initialised + local_counter;
}

/* An assembly label with no .size and an absolute symbol. */
__asm__(".globl bare_label\n"
        ".text\n"
        "bare_label:\n"
        "  mov %rdi, %rax\n"
        "  ret\n"
        ".globl magic_abs\n"
        ".set magic_abs, 0x1234\n");

void _start(void) {
    for (;;) {
        __asm__ volatile("hlt");
    }
}
