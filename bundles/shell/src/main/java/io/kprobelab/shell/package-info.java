/**
 * What the interactive console and the launcher's {@code -c}/{@code --script} runner share about
 * Gogo commands: {@link io.kprobelab.shell.CommandInfo} (a command's synopsis, options and operands,
 * read from its annotations) and {@link io.kprobelab.shell.CommandFailure} (the one format of a
 * failed command), so both print the same words for the same failure.
 */
@Export
@Version("1.0.0")
package io.kprobelab.shell;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
