/* A static-pie whose data holds absolute function addresses: the linker must emit
 * R_X86_64_RELATIVE relocations for it, which bare mode cannot apply. */
typedef unsigned long u64;
static u64 one(u64 x) { return x + 1; }
static u64 two(u64 x) { return x + 2; }
u64 (*const volatile table[2])(u64) = {one, two};
u64 pick(u64 i, u64 x) { return table[i & 1](x); }
void _start(void) { for (;;) __asm__ volatile("hlt"); }
