package dev.postillion.mailbox;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A named password of an address, for a phone or a sync tool, as listed: never the password,
 * which is shown once, when it is created ({@link AppPasswords#create}).
 *
 * @param lastUse the latest login made with it, as recorded (at most once a minute)
 */
public record AppPassword(String name, Instant created, Optional<Use> lastUse) {

    /** The protocols an app password logs in with. */
    public enum Protocol {
        SMTP, IMAP, POP3, MANAGESIEVE;

        /** As stored and shown: {@code smtp}, {@code imap}, {@code pop3}, {@code managesieve}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A login made with the app password: when, and over which protocol. */
    public record Use(Instant at, Protocol protocol) {}

    /**
     * An app password just created: its password in clear, shown this once and never stored so.
     */
    public record Created(AppPassword appPassword, String password) {}
}
