package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 20: the store was created world-readable (directories 755, files 644). The
 * data directory and the store under it are owner-only, whether the node creates them or finds
 * them wider.
 */
class DataDirectoryTest {

    @TempDir Path parent;

    @Test
    void aNewDataDirectoryAndItsStoreAreOwnerOnly() throws IOException {
        Path dataDir = parent.resolve("data");
        try (TestNode node = TestNode.start(dataDir)) {
            assertEquals("rwx------", permissions(dataDir));
            assertEquals("rwx------", permissions(dataDir.resolve("store")));
        }
    }

    @Test
    void aDataDirectoryOpenToOthersIsNarrowed() throws IOException {
        Path dataDir = Files.createDirectory(parent.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestNode node = TestNode.start(dataDir)) {
            assertEquals("rwx------", permissions(dataDir));
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
