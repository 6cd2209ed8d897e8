package dev.postillion.mta.login;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The client's side of the SASL exchanges SMTP AUTH offers (RFC 4954): the base64 responses of
 * PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login), decoded to text. Each answer is empty
 * when the client sent something that is not valid base64 of UTF-8 text, which RFC 4954 section 4
 * answers with 501 5.5.2.
 */
public final class SaslDecoding {

    /** RFC 4954 section 4: a response of one "*" cancels the exchange (501 5.7.0). */
    public static final String CANCEL = "*";

    private SaslDecoding() {}

    /**
     * PLAIN's single message: {@code [authzid] NUL authcid NUL passwd} (RFC 4616 section 2), each
     * part UTF-8 without NUL, the identity and password not empty.
     */
    public static Optional<SaslCredentials> plain(String response) {
        return text(response).flatMap(message -> {
            String[] parts = message.split("\u0000", -1);
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new SaslCredentials(parts[0], parts[1], parts[2]));
        });
    }

    /** One of LOGIN's responses (the user name, then the password): base64 of UTF-8 text. */
    public static Optional<String> text(String response) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(response.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A LOGIN challenge ("Username:", "Password:") as the 334 reply carries it. */
    public static String challenge(String prompt) {
        return Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.US_ASCII));
    }
}
