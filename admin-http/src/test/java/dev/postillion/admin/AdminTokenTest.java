package dev.postillion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir Path dataDir;

    @Test
    void configuredTokenWinsAndIsTrimmed() {
        assertEquals("configured", AdminToken.resolve("  configured\n", dataDir));
        assertFalse(Files.exists(tokenFile()));
    }

    @Test
    void withoutConfigurationARandomTokenIsGeneratedAndStored() throws IOException {
        String token = AdminToken.resolve("", dataDir);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals(token, Files.readString(tokenFile()).strip());
    }

    @Test
    void storedTokenIsReadableOnlyByItsOwner() throws IOException {
        AdminToken.resolve("", dataDir);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile()));
    }

    @Test
    void storedTokenIsReusedAtTheNextStart() {
        String first = AdminToken.resolve(" ", dataDir);
        assertEquals(first, AdminToken.resolve("", dataDir));
    }

    @Test
    void tokenWrittenByTheOperatorIsUsed() throws IOException {
        Files.writeString(tokenFile(), "operator-token\n");
        assertEquals("operator-token", AdminToken.resolve("", dataDir));
    }

    @Test
    void dataDirectoryIsCreatedWhenMissing() {
        Path missing = dataDir.resolve("new/data");
        String token = AdminToken.resolve("", missing);
        assertTrue(Files.exists(missing.resolve(AdminToken.FILE_NAME)), token);
    }

    private Path tokenFile() {
        return dataDir.resolve(AdminToken.FILE_NAME);
    }
}
