package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    private static final PasswordHash.Cost CHEAP = new PasswordHash.Cost(64, 1, 1);

    @Test
    void aHashMatchesItsPasswordAndNoOther() {
        String hash = PasswordHash.of("correct horse", CHEAP);
        assertTrue(PasswordHash.matches("correct horse", hash));
        assertFalse(PasswordHash.matches("correct horsE", hash));
        assertFalse(PasswordHash.matches("", hash));
    }

    @Test
    void theParametersTravelWithTheHash() {
        String hash = PasswordHash.of("correct horse", new PasswordHash.Cost(128, 3, 2));
        assertTrue(hash.startsWith("$argon2id$v=19$m=128,t=3,p=2$"), hash);
        assertTrue(PasswordHash.matches("correct horse", hash), "verified with its own parameters, not today's");
    }

    /**
     * RFC 9106 section 5.3's Argon2id test vector, through the same generator: the hash function is
     * the standard one, so hashes can be checked (or migrated) by any Argon2 implementation.
     */
    @Test
    void argon2idIsTheStandardFunction() {
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(32).withIterations(3).withParallelism(4)
                .withSalt(bytes(16, 0x02)).withSecret(bytes(8, 0x03)).withAdditional(bytes(12, 0x04))
                .build());
        byte[] tag = new byte[32];
        argon2.generateBytes(bytes(32, 0x01), tag);
        assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
                HexFormat.of().formatHex(tag));
    }

    @Test
    void anythingButAnArgon2idStringMatchesNothing() {
        assertFalse(PasswordHash.matches("x", ""));
        assertFalse(PasswordHash.matches("x", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
        assertFalse(PasswordHash.matches("x", "plain text"));
        assertFalse(PasswordHash.matches("x", "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),
                "4 GiB is more than a stored hash may ask");
        assertFalse(PasswordHash.matches("x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGE"), "a tag under 4 bytes");
        assertFalse(PasswordHash.matches("x", "$argon2id$v=19$m=64,t=1,p=1$c$aGFzaGhhc2g"), "a salt that is no base64");
    }

    @Test
    void costBelowTheRfcMinimumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHash.Cost(8, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHash.Cost(64, 0, 1));
    }

    private static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
