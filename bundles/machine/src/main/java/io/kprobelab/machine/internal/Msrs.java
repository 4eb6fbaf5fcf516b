package io.kprobelab.machine.internal;

/**
 * The model-specific registers of the machine's CPU model ({@link CpuModel}; SDM Vol. 4): those of
 * an Intel 64 processor that the features it reports imply, and nothing else, so that software
 * probing for an MSR with a fault-tolerant access ({@code rdmsr_safe}) gets the #GP(0) it gets
 * from a processor without it.
 */
final class Msrs {

    static final int TSC = 0x10, APIC_BASE = 0x1b, FEATURE_CONTROL = 0x3a, BIOS_SIGN_ID = 0x8b,
            SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176, MISC_ENABLE = 0x1a0,
            DEBUGCTL = 0x1d9, EFER = 0xc0000080, STAR = 0xc0000081, LSTAR = 0xc0000082, CSTAR = 0xc0000083,
            FMASK = 0xc0000084, FS_BASE = 0xc0000100, GS_BASE = 0xc0000101, KERNEL_GS_BASE = 0xc0000102,
            TSC_AUX = 0xc0000103;

    /** IA32_MISC_ENABLE at reset: fast strings enabled (Linux turns REP MOVSB off otherwise). */
    static final long MISC_ENABLE_RESET = 1;
    /** EFER bits software may set: SCE, LME, NXE (LMA is read-only, set by the processor). */
    static final long EFER_WRITABLE = 0x1 | 0x100 | 0x800;

    private Msrs() {
    }

    /** RDMSR: the value, or null for #GP. */
    static Long read(Cpu c, int msr, long now) {
        if (Apic.owns(msr)) {
            return c.apic.readMsr(msr, now);
        }
        switch (msr) {
            case TSC: return now + c.tscOffset;
            case EFER: return c.efer;
            case FS_BASE: return c.fsBase;
            case GS_BASE: return c.gsBase;
            case KERNEL_GS_BASE: return c.kernelGsBase;
            case TSC_AUX: return c.tscAux;
            case MISC_ENABLE: return c.msrs.getOrDefault(msr, MISC_ENABLE_RESET);
            case FEATURE_CONTROL: case BIOS_SIGN_ID: case SYSENTER_CS: case SYSENTER_ESP: case SYSENTER_EIP:
            case DEBUGCTL: case STAR: case LSTAR: case CSTAR: case FMASK:
                return c.msrs.getOrDefault(msr, 0L);
            default:
                return null;
        }
    }

    /** WRMSR: false for #GP (unknown MSR, reserved bits, non-canonical base). */
    static boolean write(Cpu c, int msr, long v, long now) {
        if (Apic.owns(msr)) {
            return c.apic.writeMsr(c, msr, v, now);
        }
        switch (msr) {
            case TSC:
                c.tscOffset = v - now;
                return true;
            case EFER:
                if ((v & ~(EFER_WRITABLE | 0x400L)) != 0) {
                    return false;
                }
                c.efer = (v & EFER_WRITABLE) | (c.efer & 0x400L);
                c.flushTlb();
                return true;
            case FS_BASE: case GS_BASE: case KERNEL_GS_BASE: case LSTAR: case CSTAR: case SYSENTER_ESP:
            case SYSENTER_EIP:
                if (!Mmu.canonical(v)) {
                    return false;
                }
                if (msr == FS_BASE) {
                    c.fsBase = v;
                } else if (msr == GS_BASE) {
                    c.gsBase = v;
                } else if (msr == KERNEL_GS_BASE) {
                    c.kernelGsBase = v;
                } else {
                    c.msrs.put(msr, v);
                }
                return true;
            case TSC_AUX:
                if ((v >>> 32) != 0) {
                    return false;
                }
                c.tscAux = v;
                return true;
            case FEATURE_CONTROL:
                if ((c.msrs.getOrDefault(msr, 0L) & 1) != 0) {
                    return false; // locked until reset
                }
                c.msrs.put(msr, v & 1); // only the lock bit: no VMX or SMX to enable
                return true;
            case BIOS_SIGN_ID:
                c.msrs.put(msr, 0L); // writing 0 then CPUID loads the (absent) microcode revision: 0
                return true;
            case DEBUGCTL:
                c.msrs.put(msr, v & 0x3); // LBR and BTF are accepted; neither is emulated
                return true;
            case MISC_ENABLE: case SYSENTER_CS: case STAR: case FMASK:
                c.msrs.put(msr, v);
                return true;
            default:
                return false;
        }
    }
}
