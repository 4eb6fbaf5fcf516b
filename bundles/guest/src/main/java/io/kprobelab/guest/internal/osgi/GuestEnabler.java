package io.kprobelab.guest.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Enables {@link GuestService} unless the framework property {@value #ELF_PROPERTY} or
 * {@value #KERNEL_PROPERTY} is set: in bare mode the machine runs that ELF, with a Linux guest
 * that kernel, and the bundled guest's component stays disabled (inactive) rather than failing
 * or replacing the image.
 */
@Component(service = {}, immediate = true)
public final class GuestEnabler {

    /** Framework property naming an ELF to boot in bare mode (set by {@code --elf}). */
    public static final String ELF_PROPERTY = "kprobelab.elf";
    /** Framework property naming a Linux kernel to boot instead (set by {@code --kernel} and {@code --linux}). */
    public static final String KERNEL_PROPERTY = "kprobelab.kernel";

    @Activate
    public GuestEnabler(BundleContext bundle, ComponentContext component) {
        String elf = bundle.getProperty(ELF_PROPERTY);
        String kernel = bundle.getProperty(KERNEL_PROPERTY);
        if ((elf == null || elf.isBlank()) && (kernel == null || kernel.isBlank())) {
            component.enableComponent(GuestService.class.getName());
        }
    }
}
