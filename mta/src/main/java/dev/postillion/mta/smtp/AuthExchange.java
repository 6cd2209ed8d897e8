package dev.postillion.mta.smtp;

import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.login.SaslCredentials;
import dev.postillion.mta.login.SaslDecoding;
import java.util.Optional;

/**
 * One SMTP AUTH exchange (RFC 4954 section 4) up to the credentials: the 334 challenges and the
 * client's base64 responses of PLAIN (RFC 4616) or LOGIN. Checking the credentials is the
 * {@link SaslAuthenticator}'s. Each step's answer says what the session sends, or what it checks.
 */
final class AuthExchange {

    /** What the session does next. */
    sealed interface Step {}

    /** Send this 334 challenge; the client's next line is a response. */
    record Challenge(Reply reply) implements Step {}

    /** The client has offered these credentials: check them. */
    record Offered(SaslCredentials credentials) implements Step {}

    /** The exchange ends with this reply, no credentials checked. */
    record Ended(Reply reply) implements Step {}

    /** The mechanisms offered in EHLO, under TLS only (SPEC section 5). */
    static final String MECHANISMS = "PLAIN LOGIN";

    private final String mechanism;
    /** LOGIN's user name, once given. */
    private String username;

    private AuthExchange(String mechanism) {
        this.mechanism = mechanism;
    }

    /** An exchange for {@code AUTH mechanism [initial-response]}, with its first step. */
    static Optional<AuthExchange> of(SmtpCommand.Auth auth) {
        return switch (auth.mechanism()) {
            case "PLAIN", "LOGIN" -> Optional.of(new AuthExchange(auth.mechanism()));
            default -> Optional.empty();
        };
    }

    /** The step the AUTH command itself leads to. */
    Step start(String initialResponse) {
        if (initialResponse.isEmpty()) {
            // PLAIN's one message comes after an empty challenge; LOGIN asks for the user name.
            return new Challenge(Replies.challenge(mechanism.equals("PLAIN") ? "" : SaslDecoding.challenge("Username:")));
        }
        // RFC 4954 section 4: "=" is an initial response of no octets.
        return respond(initialResponse.equals("=") ? "" : initialResponse);
    }

    /** The step after the client's response line. */
    Step respond(String line) {
        if (line.equals(SaslDecoding.CANCEL)) {
            return new Ended(Replies.AUTH_CANCELLED);
        }
        if (mechanism.equals("PLAIN")) {
            return SaslDecoding.plain(line).<Step>map(Offered::new).orElse(new Ended(Replies.AUTH_UNDECODABLE));
        }
        Optional<String> text = SaslDecoding.text(line);
        if (text.isEmpty()) {
            return new Ended(Replies.AUTH_UNDECODABLE);
        }
        if (username == null) {
            username = text.get();
            return new Challenge(Replies.challenge(SaslDecoding.challenge("Password:")));
        }
        return new Offered(new SaslCredentials("", username, text.get()));
    }
}
