package io.kprobelab.linux.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Enables {@link LinuxGuestService} when the framework property {@value #KERNEL_PROPERTY} names a
 * kernel (the launcher's {@code --kernel} and {@code --linux}); otherwise the Linux guest stays
 * disabled and the bundled KprobeLab guest, or bare mode, runs.
 */
@Component(service = {}, immediate = true)
public final class LinuxGuestEnabler {

    /** The kernel to boot: a vmlinux or a bzImage. */
    public static final String KERNEL_PROPERTY = "kprobelab.kernel";
    /** The initramfs (optional). */
    public static final String INITRD_PROPERTY = "kprobelab.initrd";
    /** The kernel command line (optional; LinuxBoot.DEFAULT_CMDLINE otherwise). */
    public static final String APPEND_PROPERTY = "kprobelab.append";
    /** A System.map for a kernel without .symtab (optional; looked for beside the kernel otherwise). */
    public static final String SYSTEM_MAP_PROPERTY = "kprobelab.systemmap";

    @Activate
    public LinuxGuestEnabler(BundleContext bundle, ComponentContext component) {
        String kernel = bundle.getProperty(KERNEL_PROPERTY);
        if (kernel != null && !kernel.isBlank()) {
            component.enableComponent(LinuxGuestService.class.getName());
        }
    }
}
