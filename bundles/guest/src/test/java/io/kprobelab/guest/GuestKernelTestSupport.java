package io.kprobelab.guest;

import java.io.IOException;
import java.io.InputStream;

final class GuestKernelTestSupport {

    private GuestKernelTestSupport() {
    }

    static byte[] imageBytes() throws IOException {
        try (InputStream in = GuestKernel.class.getResourceAsStream(GuestKernel.IMAGE_RESOURCE)) {
            return in.readAllBytes();
        }
    }
}
