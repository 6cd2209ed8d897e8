package dev.postillion.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory only the node's user may enter: the data directory and the store under it hold
 * every mailbox, the queue and the node's secrets. RocksDB creates its files as the process's
 * umask allows (0644 under the usual 022), so the directory is what keeps them from other local
 * users (issue 12, defect 20).
 */
public final class PrivateDirectory {

    private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {}

    /**
     * Creates the directory (with its missing parents) as {@code rwx------}; one that exists with
     * more is narrowed to that, with a log line. On a file system without POSIX permissions it is
     * created plainly, with a warning.
     */
    public static void create(Path directory) throws IOException {
        if (directory.getParent() != null) {
            Files.createDirectories(directory.getParent());
        }
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // The umask may have taken some of the requested bits away, never added any: set
                // them anyway, so that the result does not depend on it.
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
            } else if (!Files.getPosixFilePermissions(directory).equals(OWNER_ONLY)) {
                log.info("narrowing the permissions of {} to rwx------: it holds mail and secrets", directory);
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            log.warn("cannot restrict permissions of {} on this file system", directory);
            Files.createDirectories(directory);
        }
    }
}
