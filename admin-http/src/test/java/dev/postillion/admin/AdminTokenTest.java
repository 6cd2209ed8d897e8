package dev.postillion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir Path dataDir;
    @TempDir Path storeDir;
    private Store shared;

    @BeforeEach
    void open() {
        shared = TestStores.open(storeDir, List.of(SharedSecret.FAMILY));
    }

    @AfterEach
    void close() {
        shared.close();
    }

    @Test
    void configuredTokenWinsAndIsTrimmed() {
        assertEquals("configured", AdminToken.resolve("  configured\n", shared, dataDir));
        assertFalse(Files.exists(tokenFile()));
    }

    @Test
    void withoutConfigurationARandomTokenIsGeneratedAndStored() throws IOException {
        String token = AdminToken.resolve("", shared, dataDir);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals(token, Files.readString(tokenFile()).strip());
    }

    @Test
    void storedTokenIsReadableOnlyByItsOwner() throws IOException {
        AdminToken.resolve("", shared, dataDir);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile()));
    }

    @Test
    void storedTokenIsReusedAtTheNextStart() {
        String first = AdminToken.resolve(" ", shared, dataDir);
        assertEquals(first, AdminToken.resolve("", shared, dataDir));
    }

    @Test
    void tokenWrittenByTheOperatorIsUsed() throws IOException {
        Files.writeString(tokenFile(), "operator-token\n");
        assertEquals("operator-token", AdminToken.resolve("", shared, dataDir));
    }

    @Test
    void dataDirectoryIsCreatedWhenMissing() {
        Path missing = dataDir.resolve("new/data");
        String token = AdminToken.resolve("", shared, missing);
        assertTrue(Files.exists(missing.resolve(AdminToken.FILE_NAME)), token);
    }

    private Path tokenFile() {
        return dataDir.resolve(AdminToken.FILE_NAME);
    }
}
