/*
 * Native runner: executes code snippets on the host CPU from given registers, RFLAGS, XMM
 * registers and MXCSR and prints the resulting registers, RFLAGS, XMM registers, MXCSR and the
 * changed bytes of the data buffer, so that the emulator can be compared with the real CPU bit
 * for bit.
 *
 * Input, one case per line (hex):  CODE R0 .. R15 RFLAGS X0LO X0HI .. X15LO X15HI MXCSR
 * Output, one line per case:       OK R0 .. R15 RFLAGS X0LO .. X15HI MXCSR N OFF:VAL ...
 *   or, when the snippet faults:   SIG signo RIP KIND R0 .. R15 RFLAGS X0LO .. X15HI MXCSR N OFF:VAL ...
 *   (the state at the fault, from the signal context: what the faulting instruction left;
 *   KIND tells the SIGSEGVs apart: "gp" for a #GP, "pf@ADDR" for a page fault at ADDR, else "-")
 * Layout: code at 0x10000000, data at 0x20000000 (16 KiB), state at 0x30000000.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE 0x10000000UL
#define DATA 0x20000000UL
#define DATA_SIZE 0x4000
#define STATE 0x30000000UL

/* state: 0x00 in regs[16], 0x80 in flags, 0x90 code entry, 0x98 return target,
 *        0x100 out regs[16], 0x180 out flags, 0x200 host rsp,
 *        0x400 in xmm[16] (low quadword first), 0x500 out xmm[16], 0x600 in mxcsr, 0x608 out mxcsr */
extern void run_case(void);
extern char epilogue_start[], epilogue_end[];

__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, 0x30000200\n"
    "  movdqu 0x30000400, %xmm0\n"
    "  movdqu 0x30000410, %xmm1\n"
    "  movdqu 0x30000420, %xmm2\n"
    "  movdqu 0x30000430, %xmm3\n"
    "  movdqu 0x30000440, %xmm4\n"
    "  movdqu 0x30000450, %xmm5\n"
    "  movdqu 0x30000460, %xmm6\n"
    "  movdqu 0x30000470, %xmm7\n"
    "  movdqu 0x30000480, %xmm8\n"
    "  movdqu 0x30000490, %xmm9\n"
    "  movdqu 0x300004a0, %xmm10\n"
    "  movdqu 0x300004b0, %xmm11\n"
    "  movdqu 0x300004c0, %xmm12\n"
    "  movdqu 0x300004d0, %xmm13\n"
    "  movdqu 0x300004e0, %xmm14\n"
    "  movdqu 0x300004f0, %xmm15\n"
    "  ldmxcsr 0x30000600\n"
    "  pushq 0x30000080\n"
    "  popfq\n"
    "  mov 0x30000000, %rax\n mov 0x30000008, %rcx\n mov 0x30000010, %rdx\n mov 0x30000018, %rbx\n"
    "  mov 0x30000028, %rbp\n mov 0x30000030, %rsi\n mov 0x30000038, %rdi\n"
    "  mov 0x30000040, %r8\n mov 0x30000048, %r9\n mov 0x30000050, %r10\n mov 0x30000058, %r11\n"
    "  mov 0x30000060, %r12\n mov 0x30000068, %r13\n mov 0x30000070, %r14\n mov 0x30000078, %r15\n"
    "  mov 0x30000020, %rsp\n"
    "  jmp *0x30000090\n"
    ".globl run_case_back\n"
    "run_case_back:\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n"
    ".globl epilogue_start\n"
    "epilogue_start:\n"
    "  mov %rax, 0x30000100\n mov %rcx, 0x30000108\n mov %rdx, 0x30000110\n mov %rbx, 0x30000118\n"
    "  mov %rsp, 0x30000120\n mov %rbp, 0x30000128\n mov %rsi, 0x30000130\n mov %rdi, 0x30000138\n"
    "  mov %r8, 0x30000140\n mov %r9, 0x30000148\n mov %r10, 0x30000150\n mov %r11, 0x30000158\n"
    "  mov %r12, 0x30000160\n mov %r13, 0x30000168\n mov %r14, 0x30000170\n mov %r15, 0x30000178\n"
    "  movdqu %xmm0, 0x30000500\n"
    "  movdqu %xmm1, 0x30000510\n"
    "  movdqu %xmm2, 0x30000520\n"
    "  movdqu %xmm3, 0x30000530\n"
    "  movdqu %xmm4, 0x30000540\n"
    "  movdqu %xmm5, 0x30000550\n"
    "  movdqu %xmm6, 0x30000560\n"
    "  movdqu %xmm7, 0x30000570\n"
    "  movdqu %xmm8, 0x30000580\n"
    "  movdqu %xmm9, 0x30000590\n"
    "  movdqu %xmm10, 0x300005a0\n"
    "  movdqu %xmm11, 0x300005b0\n"
    "  movdqu %xmm12, 0x300005c0\n"
    "  movdqu %xmm13, 0x300005d0\n"
    "  movdqu %xmm14, 0x300005e0\n"
    "  movdqu %xmm15, 0x300005f0\n"
    "  stmxcsr 0x30000608\n"
    "  mov 0x30000200, %rsp\n"
    "  pushfq\n"
    "  popq 0x30000180\n"
    "  cld\n"
    "  jmp *0x30000098\n"
    ".globl epilogue_end\n"
    "epilogue_end:\n");

extern char run_case_back[];
static sigjmp_buf jb;
static volatile int got_sig;
static volatile uint64_t sig_rip, sig_addr;
static volatile int sig_code;

/* The registers at the fault, into the output slots of the state area. */
static void save_context(const ucontext_t *uc) {
    static const int gregs[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                  REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    uint64_t *st = (uint64_t *)STATE;
    for (int i = 0; i < 16; i++) st[0x100 / 8 + i] = uc->uc_mcontext.gregs[gregs[i]];
    st[0x180 / 8] = uc->uc_mcontext.gregs[REG_EFL];
    for (int i = 0; i < 16; i++) memcpy(&st[0x500 / 8 + 2 * i], uc->uc_mcontext.fpregs->_xmm[i].element, 16);
    st[0x608 / 8] = uc->uc_mcontext.fpregs->mxcsr;
}

static void on_signal(int sig, siginfo_t *si, void *uc) {
    got_sig = sig;
    sig_code = si->si_code;
    sig_addr = (uint64_t)si->si_addr;
    sig_rip = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
    save_context(uc);
    siglongjmp(jb, 1);
}

static int hexval(int c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void pattern(unsigned char *d) {
    for (int i = 0; i < DATA_SIZE; i++) d[i] = (unsigned char)(i * 37 + 11);
}

int main(void) {
    if (mmap((void *)CODE, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED
        || mmap((void *)DATA, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED
        || mmap((void *)STATE, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGFPE, &sa, 0);
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGILL, &sa, 0);
    sigaction(SIGTRAP, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    sigaction(SIGALRM, &sa, 0);

    uint64_t *st = (uint64_t *)STATE;
    unsigned char *data = (unsigned char *)DATA;
    static unsigned char ref[DATA_SIZE];
    pattern(ref);
    static char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        char *p = line;
        unsigned char *code = (unsigned char *)CODE;
        int n = 0;
        while (*p && *p != ' ') { code[n++] = hexval(p[0]) << 4 | hexval(p[1]); p += 2; }
        memcpy(code + n, epilogue_start, epilogue_end - epilogue_start);
        for (int i = 0; i < 17; i++) st[i == 16 ? 16 : i] = strtoull(p, &p, 16);
        for (int i = 0; i < 32; i++) st[0x400 / 8 + i] = strtoull(p, &p, 16);
        st[0x600 / 8] = strtoull(p, &p, 16);
        st[0x90 / 8] = CODE;
        st[0x98 / 8] = (uint64_t)run_case_back;
        pattern(data);
        got_sig = 0;
        if (sigsetjmp(jb, 1) == 0) {
            alarm(2); /* a snippet that loops forever reports SIG 14 */
            run_case();
        }
        alarm(0);
        if (got_sig) {
            printf("SIG %d %lx", got_sig, (unsigned long)sig_rip);
            if (got_sig == SIGSEGV && sig_code == SI_KERNEL) {
                printf(" gp"); /* the kernel's #GP handler sends SI_KERNEL, a page fault SEGV_MAPERR/ACCERR */
            } else if (got_sig == SIGSEGV) {
                printf(" pf@%lx", (unsigned long)sig_addr);
            } else {
                printf(" -");
            }
        } else {
            printf("OK");
        }
        for (int i = 0; i < 17; i++) printf(" %lx", (unsigned long)st[0x100 / 8 + i]);
        for (int i = 0; i < 32; i++) printf(" %lx", (unsigned long)st[0x500 / 8 + i]);
        printf(" %x", (unsigned)st[0x608 / 8]);
        int changed = 0;
        for (int i = 0; i < DATA_SIZE; i++) changed += data[i] != ref[i];
        printf(" %x", changed);
        for (int i = 0; i < DATA_SIZE; i++)
            if (data[i] != ref[i]) printf(" %x:%x", i, data[i]);
        printf("\n");
    }
    return 0;
}
