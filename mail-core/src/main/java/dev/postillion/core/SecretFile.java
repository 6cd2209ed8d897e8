package dev.postillion.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files holding a node's secrets (the admin token, the SRS secret) in its data directory. */
public final class SecretFile {

    private static final Logger log = LoggerFactory.getLogger(SecretFile.class);

    private SecretFile() {}

    /**
     * Creates the file readable by its owner only, before the secret is written into it; on a file
     * system without POSIX permissions it is created plainly, with a warning.
     *
     * @throws java.nio.file.FileAlreadyExistsException when another process created it first
     */
    public static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            log.warn("cannot restrict permissions of {} on this file system", file);
            Files.createFile(file);
        }
    }
}
