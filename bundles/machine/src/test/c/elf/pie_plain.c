/* A static-pie with only PC-relative references: no dynamic relocations, so bare mode can
 * load it at its link addresses. */
typedef unsigned long u64;
static const u64 table[4] = {3, 5, 7, 11};
u64 pick(u64 i) { return table[i & 3]; }
void _start(void) { for (;;) __asm__ volatile("hlt"); }
