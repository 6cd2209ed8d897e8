package dev.postillion.mta.smtp;

import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.tls.TlsSession;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The client of a session as the session knows it when a message completes: what the message's
 * policy, its envelope and its Received header need of it.
 *
 * @param heloName the name given in the last HELO or EHLO
 * @param esmtp the session began with EHLO (RFC 5321 section 4.1.1.1)
 * @param mayRelay the client is in {@code postillion.smtp.relay-networks}: one of our own users
 * @param tls what TLS the connection uses, if any
 * @param user who authenticated with SMTP AUTH, if anyone did
 */
record Client(InetAddress address, String heloName, boolean esmtp, boolean mayRelay, Optional<TlsSession> tls,
        Optional<SaslAuthenticator.Accepted> user) {

    /** One of our users, whose mail is not greylisted nor held to DMARC: relay networks, or authenticated. */
    boolean trusted() {
        return mayRelay || user.isPresent();
    }

    /** The address as text, for the envelope and the log. */
    String addressText() {
        return address.getHostAddress();
    }
}
