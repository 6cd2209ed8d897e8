package dev.postillion.mta.smtp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses every SMTP server must take mail for (RFC 5321 section 4.5.1), and the mailbox that
 * receives it, {@code postillion.postmaster}: {@code <Postmaster>} without a domain, any case;
 * {@code postmaster@} a hosted domain where no such address was created; and {@code postmaster@}
 * and {@code MAILER-DAEMON@} the node's hostname, the latter being the From of every report we send.
 *
 * @param mailbox the hosted address that receives postmaster mail; empty when none is configured
 * @param hostname the node's hostname ({@code postillion.hostname})
 */
public record Postmaster(Optional<EmailAddress> mailbox, String hostname) {

    private static final Logger log = LoggerFactory.getLogger(Postmaster.class);

    /**
     * @param postillion the {@code postillion} block
     * @throws ConfigException.BadValue when {@code postillion.postmaster} is not an address
     */
    public static Postmaster from(Config postillion, String hostname) {
        String configured = postillion.getString("postmaster").strip();
        if (configured.isEmpty()) {
            log.warn("postillion.postmaster is not set: mail to postmaster (RFC 5321 section 4.5.1) is refused with"
                    + " 451 4.3.5 until it names a hosted address");
            return new Postmaster(Optional.empty(), hostname);
        }
        try {
            return new Postmaster(Optional.of(EmailAddress.parse(configured, true)), hostname);
        } catch (AddressSyntaxException e) {
            throw new ConfigException.BadValue(postillion.getValue("postmaster").origin(), "postillion.postmaster",
                    "not an address: " + e.getMessage(), e);
        }
    }

    /** {@code RCPT TO:<Postmaster>}: the one address RFC 5321 section 4.1.1.3 allows without a domain. */
    static boolean isBare(String path) {
        return path.equalsIgnoreCase("postmaster");
    }

    /** The address as the envelope's ORCPT keeps it for a bare {@code <Postmaster>}. */
    EmailAddress ofNode() {
        return new EmailAddress("postmaster", hostname);
    }

    /** {@code postmaster@} any domain: taken for a hosted domain that has no such address. */
    static boolean isPostmaster(EmailAddress recipient) {
        return recipient.localPart().equalsIgnoreCase("postmaster");
    }

    /** {@code postmaster@} or {@code MAILER-DAEMON@} the node's own hostname. */
    boolean isNodeAddress(EmailAddress recipient) {
        String local = recipient.localPart().toLowerCase(Locale.ROOT);
        return recipient.domain().equalsIgnoreCase(hostname) && (local.equals("postmaster") || local.equals("mailer-daemon"));
    }
}
