package dev.postillion.mailbox.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mailbox.PasswordHash;
import dev.postillion.mailbox.proto.EncryptionRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key pairs, their wrapping under the password, and messages encrypted to them, checked against
 * GnuPG (Debian's {@code gnupg}), an independent OpenPGP implementation: it decrypts what a
 * mailbox stores with the unwrapped secret key, and what it encrypts to the public key we read.
 */
class MailEncryptionTest {

    private static final String ADDRESS = "anna@example.test";
    private static final String PASSWORD = "correct horse battery";
    private static final byte[] MESSAGE = ("From: bob@example.org\r\nSubject: Plans\r\n\r\nMeet at n\u00f6on.\r\n")
            .getBytes(StandardCharsets.UTF_8);

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final MailEncryption encryption = new MailEncryption(new PasswordHash.Cost(64, 1, 1), threads);

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (Files.exists(dir.resolve("gnupg"))) {
            run(List.of("gpgconf", "--kill", "gpg-agent"), null);
        }
        threads.shutdown();
    }

    @Test
    void theSecretKeyIsWrappedUnderThePasswordAndTheAddress() {
        EncryptionRecord record = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        assertTrue(record.getFingerprint().matches("[0-9A-F]{40}"), record.getFingerprint());
        assertEquals(64, record.getMemoryKib());
        assertEquals(16, record.getSalt().size());

        assertTrue(join(encryption.unlock(record, PASSWORD, ADDRESS)).isPresent());
        assertTrue(join(encryption.unlock(record, "wrong horse battery", ADDRESS)).isEmpty());
        // The address is the wrap's associated data: the record copied to another address does not open.
        assertTrue(join(encryption.unlock(record, PASSWORD, "eve@example.test")).isEmpty());
    }

    @Test
    void aMessageIsStoredAsOpenPgpAndOpenedWithTheUnlockedKey() {
        EncryptionRecord record = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        byte[] stored = join(encryption.encrypt(record.getPublicKey().toByteArray(), List.of(MESSAGE))).get(0);

        assertTrue(OpenPgpMessages.isEncrypted(stored));
        assertFalse(OpenPgpMessages.isEncrypted(MESSAGE));
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("Meet at"));
        MailboxKey key = join(encryption.unlock(record, PASSWORD, ADDRESS)).orElseThrow();
        assertEquals(List.of(new String(MESSAGE, StandardCharsets.UTF_8), "Subject: in the clear\r\n\r\n"),
                join(encryption.open(key, List.of(stored, "Subject: in the clear\r\n\r\n".getBytes(
                        StandardCharsets.UTF_8)))).stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                        .toList());
        assertFalse(key.toString().contains(record.getFingerprint().substring(0, 24)), "no key material printed");
    }

    @Test
    void anotherKeyOrAlteredContentDoesNotDecrypt() {
        EncryptionRecord record = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        EncryptionRecord other = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        byte[] stored = join(encryption.encrypt(record.getPublicKey().toByteArray(), List.of(MESSAGE))).get(0);
        MailboxKey otherKey = join(encryption.unlock(other, PASSWORD, ADDRESS)).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> otherKey.decrypt(stored));

        MailboxKey key = join(encryption.unlock(record, PASSWORD, ADDRESS)).orElseThrow();
        byte[] altered = stored.clone();
        altered[altered.length - 30] ^= 1;
        assertThrows(RuntimeException.class, () -> key.decrypt(altered));
    }

    @Test
    void rewrappingKeepsTheKeyPairUnderTheNewPassword() {
        EncryptionRecord record = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        byte[] stored = join(encryption.encrypt(record.getPublicKey().toByteArray(), List.of(MESSAGE))).get(0);

        assertTrue(join(encryption.rewrap(record, "wrong horse battery", "staple battery horse", ADDRESS)).isEmpty());
        EncryptionRecord rewrapped = join(encryption.rewrap(record, PASSWORD, "staple battery horse", ADDRESS))
                .orElseThrow();
        assertEquals(record.getFingerprint(), rewrapped.getFingerprint());
        assertFalse(record.getSalt().equals(rewrapped.getSalt()));
        assertTrue(join(encryption.unlock(rewrapped, PASSWORD, ADDRESS)).isEmpty());
        MailboxKey key = join(encryption.unlock(rewrapped, "staple battery horse", ADDRESS)).orElseThrow();
        assertArrayEquals(MESSAGE, key.decrypt(stored));
    }

    /** GnuPG decrypts what a mailbox stores, with the secret key the password unwraps; and the other way round. */
    @Test
    void gnuPgReadsWhatIsStoredAndWritesWhatWeRead() throws Exception {
        EncryptionRecord record = join(encryption.newKeys(ADDRESS, PASSWORD, 1_700_000_000_000L));
        MailboxKey key = join(encryption.unlock(record, PASSWORD, ADDRESS)).orElseThrow();
        Path home = Files.createDirectory(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path secret = Files.write(dir.resolve("secret.gpg"), key.encoded());
        run(gpg("--import", secret.toString()), null);
        String listed = run(gpg("--with-colons", "--fingerprint", ADDRESS), null);
        assertTrue(listed.contains("fpr:::::::::" + record.getFingerprint() + ":"), listed);
        assertTrue(listed.contains(":22:") && listed.contains(":18:"), "EdDSA primary, ECDH subkey: " + listed);

        Path stored = Files.write(dir.resolve("stored.gpg"),
                join(encryption.encrypt(record.getPublicKey().toByteArray(), List.of(MESSAGE))).get(0));
        assertEquals(new String(MESSAGE, StandardCharsets.UTF_8), run(gpg("--decrypt", stored.toString()), null));

        Path written = dir.resolve("written.gpg");
        run(gpg("--trust-model", "always", "--recipient", record.getFingerprint(), "--output", written.toString(),
                "--encrypt"), MESSAGE);
        assertArrayEquals(MESSAGE, key.decrypt(Files.readAllBytes(written)));
    }

    private List<String> gpg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--homedir",
                dir.resolve("gnupg").toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private String run(List<String> command, byte[] input) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("GNUPGHOME", dir.resolve("gnupg").toString());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (input != null) {
                in.write(input);
            }
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), command + ": " + out);
        return out;
    }

    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e;
        }
    }
}
