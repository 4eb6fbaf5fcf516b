/*
 * Runs one function of a freestanding guest ELF natively, instruction by instruction, to find
 * where the emulator first diverges from the host CPU.
 *
 *   native_tracer IMAGE ADDRESS A1 A2 A3 A4 A5 A6 [STACK_TOP]   (numbers in hex)
 *
 * The image must be linked at a low address (user space can map it): its PT_LOAD segments are
 * mapped at their link addresses, the function is called with the six arguments on a stack
 * ending at STACK_TOP (inside the image, so the emulator can use the same one) or on a private
 * one, and a ptrace parent single-steps it. Output, one line per instruction about to
 * execute inside the image ("state at rip"):
 *   rip rax rcx rdx rbx rsp rbp rsi rdi r8 .. r15 rflags      (hex, space-separated)
 * then "result <rax>" and "stack_top <address>" (RSP at function entry, for normalising
 * stack addresses).
 */
#include <elf.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

typedef uint64_t u64;

#define STACK_SIZE (1 << 20)

static u64 text_lo = ~0ull, text_hi;

static void load_image(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *file = malloc(size);
    if (fread(file, 1, size, f) != (size_t)size) {
        perror("read");
        exit(2);
    }
    fclose(f);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr *ph = (Elf64_Phdr *)(file + eh->e_phoff + (u64)i * eh->e_phentsize);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0) {
            continue;
        }
        u64 start = ph->p_vaddr & ~0xfffull, end = (ph->p_vaddr + ph->p_memsz + 0xfff) & ~0xfffull;
        void *m = mmap((void *)start, end - start, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (m == MAP_FAILED) {
            /* segments sharing a page: the page is already mapped */
            if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
                perror("mmap segment");
                exit(2);
            }
        }
        memcpy((void *)ph->p_vaddr, file + ph->p_offset, ph->p_filesz);
        if (ph->p_flags & PF_X) {
            if (ph->p_vaddr < text_lo) text_lo = ph->p_vaddr;
            if (ph->p_vaddr + ph->p_memsz > text_hi) text_hi = ph->p_vaddr + ph->p_memsz;
        }
    }
}

/* Calls fn(args) with RSP switched to stack_top (16-byte aligned before the call). */
static u64 call_on_stack(u64 fn, const u64 *args, u64 stack_top) {
    u64 result;
    __asm__ volatile(
        "mov %%rsp, %%rbx\n\t"
        "mov %[top], %%rsp\n\t"
        "mov 0(%[a]), %%rdi\n\t"
        "mov 8(%[a]), %%rsi\n\t"
        "mov 16(%[a]), %%rdx\n\t"
        "mov 24(%[a]), %%rcx\n\t"
        "mov 32(%[a]), %%r8\n\t"
        "mov 40(%[a]), %%r9\n\t"
        "call *%[fn]\n\t"
        "mov %%rbx, %%rsp\n\t"
        : "=a"(result)
        : [fn] "r"(fn), [a] "r"(args), [top] "r"(stack_top)
        : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
    return result;
}

int main(int argc, char **argv) {
    if (argc != 9 && argc != 10) {
        fprintf(stderr, "usage: %s IMAGE ADDRESS A1..A6 [STACK_TOP] (hex)\n", argv[0]);
        return 2;
    }
    load_image(argv[1]);
    u64 fn = strtoull(argv[2], NULL, 16), args[6];
    for (int i = 0; i < 6; i++) {
        args[i] = strtoull(argv[3 + i], NULL, 16);
    }
    u64 top;
    if (argc == 10) {
        top = strtoull(argv[9], NULL, 16) & ~0xfull;
    } else {
        unsigned char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        top = ((u64)stack + STACK_SIZE) & ~0xfull;
    }

    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
            perror("ptrace(PTRACE_TRACEME)");
            _exit(4);
        }
        raise(SIGSTOP);
        u64 r = call_on_stack(fn, args, top);
        printf("result %016" PRIx64 "\n", r);
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    if (WIFEXITED(status)) {
        fprintf(stderr, "cannot trace: the child could not be ptraced (exit %d)\n", WEXITSTATUS(status));
        return 4;
    }
    u64 steps = 0;
    for (;;) {
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, child, NULL, &r);
        if (r.rip >= text_lo && r.rip < text_hi) {
            printf("%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx\n",
                   r.rip, r.rax, r.rcx, r.rdx, r.rbx, r.rsp, r.rbp, r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11,
                   r.r12, r.r13, r.r14, r.r15, r.eflags);
            if (++steps > 5000000) {
                kill(child, SIGKILL);
                fprintf(stderr, "too many steps\n");
                return 3;
            }
        }
        fflush(stdout);
        if (ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) != 0) {
            break;
        }
        waitpid(child, &status, 0);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            break;
        }
    }
    printf("stack_top %016" PRIx64 "\n", top - 8);
    return 0;
}
