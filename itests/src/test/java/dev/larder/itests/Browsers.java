package dev.larder.itests;

import dev.larder.itests.resp.ServerProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real browser page tests drive: Debian's Chromium, installed by the test when the machine lacks it. */
public final class Browsers {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Browsers() {
    }

    /** The Chromium executable (for playwright-core's {@code executablePath}); installs Debian's package if missing. */
    public static synchronized Path chromium() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            ServerProcesses.run(List.of("apt-get", "update", "-q"), 600);
            ServerProcesses.run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"), 900);
        }
        return CHROMIUM;
    }
}
