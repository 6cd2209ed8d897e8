package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.postillion.mailbox.DirectoryAnswers.assertFails;
import static dev.postillion.mailbox.DirectoryAnswers.join;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.DirectoryException.Kind;
import dev.postillion.mailbox.encryption.MailboxKey;
import dev.postillion.queue.SpoolFamilies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turning encryption at rest on, logging in to read, and changing the password of an encrypted address. */
class AddressEncryptionTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "staple battery horse";
    private static final EmailAddress ANNA = new EmailAddress("anna", "example.com");
    private static final byte[] MESSAGE = "Subject: Plans\r\n\r\nMeet at noon.\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private Directory directory;
    private AddressEncryption encryption;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50,
                Duration.ofHours(24), 1000));
        encryption = directory.encryption();
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void onlyTheAddresssOwnPasswordTurnsItOnOnce() {
        assertFails(Kind.FORBIDDEN, "password is not the password of anna@example.com",
                encryption.enable(ANNA, "wrong horse battery"));
        assertTrue(join(directory.requireAddress(ANNA)).encryption().isEmpty());

        Address.Encryption on = join(encryption.enable(ANNA, PASSWORD)).encryption().orElseThrow();
        assertEquals(clock.instant(), on.since());
        assertEquals(on.fingerprint(), join(directory.requireAddress(ANNA)).encryption().orElseThrow().fingerprint());
        assertFails(Kind.CONFLICT, "anna@example.com is encrypted at rest already", encryption.enable(ANNA, PASSWORD));
        assertFails(Kind.NOT_FOUND, "no address bob@example.com",
                encryption.enable(new EmailAddress("bob", "example.com"), PASSWORD));
    }

    @Test
    void theLoginsPasswordUnlocksTheKey() {
        assertTrue(join(encryption.unlock(ANNA, PASSWORD)).isEmpty(), "not encrypted: nothing to unlock");
        join(encryption.enable(ANNA, PASSWORD));
        assertTrue(join(encryption.unlock(ANNA, PASSWORD)).isPresent());
        assertTrue(join(encryption.unlock(ANNA, NEW_PASSWORD)).isEmpty());
    }

    @Test
    void aPasswordChangeKeepsTheMailReadableWithTheOldPassword() {
        Address.Encryption on = join(encryption.enable(ANNA, PASSWORD)).encryption().orElseThrow();
        byte[] stored = encrypted(on);
        List<CredentialChange> announced = new ArrayList<>();
        directory.onCredentialChanged(announced::add);

        assertFails(Kind.FORBIDDEN, "oldPassword is not the password anna@example.com's key is wrapped under",
                directory.changePassword(ANNA, NEW_PASSWORD, Optional.of("wrong horse battery"), false));
        Address changed = join(directory.changePassword(ANNA, NEW_PASSWORD, Optional.of(PASSWORD), false));

        assertEquals(on.fingerprint(), changed.encryption().orElseThrow().fingerprint());
        assertEquals(List.of(new CredentialChange(changed.mailbox(), Credential.password(changed.passwordVersion()))),
                announced);
        assertTrue(join(directory.authenticate("anna@example.com", NEW_PASSWORD)).isPresent());
        assertTrue(join(encryption.unlock(ANNA, PASSWORD)).isEmpty());
        MailboxKey key = join(encryption.unlock(ANNA, NEW_PASSWORD)).orElseThrow();
        assertArrayEquals(MESSAGE, join(encryption.crypto().open(key, List.of(stored))).get(0));
    }

    @Test
    void aResetWithoutTheOldPasswordSaysTheMailIsLostAndLosesItOnlyWhenConfirmed() {
        Address.Encryption on = join(encryption.enable(ANNA, PASSWORD)).encryption().orElseThrow();
        byte[] stored = encrypted(on);

        assertFails(Kind.CONFLICT, "anna@example.com is encrypted at rest: without its old password (\"oldPassword\")"
                + " the mail stored so far can never be read again", directory.changePassword(ANNA, NEW_PASSWORD));
        assertTrue(join(directory.authenticate("anna@example.com", PASSWORD)).isPresent(), "nothing changed");

        Address reset = join(directory.changePassword(ANNA, NEW_PASSWORD, Optional.empty(), true));
        assertNotEquals(on.fingerprint(), reset.encryption().orElseThrow().fingerprint());
        MailboxKey key = join(encryption.unlock(ANNA, NEW_PASSWORD)).orElseThrow();
        CompletionException lost = assertThrows(CompletionException.class,
                () -> join(encryption.crypto().open(key, List.of(stored))));
        assertInstanceOf(IllegalArgumentException.class, lost.getCause());
    }

    @Test
    void anAddressNotEncryptedChangesItsPasswordAsBefore() {
        Address changed = join(directory.changePassword(ANNA, NEW_PASSWORD));
        assertTrue(changed.encryption().isEmpty());
        assertFalse(join(directory.authenticate("anna@example.com", PASSWORD)).isPresent());
    }

    private byte[] encrypted(Address.Encryption on) {
        return join(encryption.crypto().encrypt(on.publicKey(), List.of(MESSAGE))).get(0);
    }
}
