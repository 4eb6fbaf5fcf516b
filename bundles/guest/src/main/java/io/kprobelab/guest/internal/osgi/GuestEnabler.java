package io.kprobelab.guest.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Enables {@link GuestService} unless the framework property {@value #ELF_PROPERTY} is set: in
 * bare mode the machine runs that ELF, and the guest component stays disabled (inactive) rather
 * than failing or replacing the image.
 */
@Component(service = {}, immediate = true)
public final class GuestEnabler {

    /** Framework property naming an ELF to boot in bare mode (set by {@code --elf}). */
    public static final String ELF_PROPERTY = "kprobelab.elf";

    @Activate
    public GuestEnabler(BundleContext bundle, ComponentContext component) {
        String elf = bundle.getProperty(ELF_PROPERTY);
        if (elf == null || elf.isBlank()) {
            component.enableComponent(GuestService.class.getName());
        }
    }
}
