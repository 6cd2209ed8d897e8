package dev.postillion.mta.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslDecodingTest {

    @Test
    void plainCarriesAnOptionalAuthorizationIdentityTheUserAndThePassword() {
        assertEquals(Optional.of(new SaslCredentials("", "anna@example.test", "correct horse")),
                SaslDecoding.plain(base64("\0anna@example.test\0correct horse")));
        assertEquals(Optional.of(new SaslCredentials("anna@example.test", "anna@example.test", "pässwörd")),
                SaslDecoding.plain(base64("anna@example.test\0anna@example.test\0pässwörd")));
    }

    @Test
    void malformedPlainMessagesAreRefused() {
        assertTrue(SaslDecoding.plain(base64("anna@example.test correct horse")).isEmpty(), "no NULs");
        assertTrue(SaslDecoding.plain(base64("\0\0password")).isEmpty(), "no user");
        assertTrue(SaslDecoding.plain(base64("\0anna@example.test\0")).isEmpty(), "no password");
        assertTrue(SaslDecoding.plain(base64("\0a\0b\0c")).isEmpty(), "too many parts");
        assertTrue(SaslDecoding.plain("not base64!").isEmpty());
        assertTrue(SaslDecoding.plain(Base64.getEncoder().encodeToString(new byte[] {0, 'a', 0, (byte) 0xff})).isEmpty(),
                "not UTF-8");
    }

    @Test
    void loginResponsesAreBase64Text() {
        assertEquals(Optional.of("anna@example.test"), SaslDecoding.text(base64("anna@example.test")));
        assertFalse(SaslDecoding.text("*=").isPresent());
        assertEquals("VXNlcm5hbWU6", SaslDecoding.challenge("Username:"));
        assertEquals("UGFzc3dvcmQ6", SaslDecoding.challenge("Password:"));
    }

    @Test
    void thePasswordNeverAppearsInText() {
        assertFalse(new SaslCredentials("", "anna@example.test", "correct horse").toString().contains("horse"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
