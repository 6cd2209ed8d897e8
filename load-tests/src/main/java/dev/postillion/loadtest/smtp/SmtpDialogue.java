package dev.postillion.loadtest.smtp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one connection has learnt of its server (the EHLO keywords), where its mail transaction
 * stands (RFC 5321 §3.3), and how many messages it has carried.
 */
final class SmtpDialogue {

    private final Set<String> extensions = new HashSet<>();
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    private int messagesSent;

    /** Keeps the service extensions named on the lines after the first (RFC 5321 §4.1.1.1). */
    void ehloAnswered(SmtpReply reply) {
        extensions.clear();
        for (String line : reply.lines().subList(1, reply.lines().size())) {
            String keyword = line.strip().split(" ", 2)[0];
            extensions.add(keyword.toUpperCase(Locale.ROOT));
        }
    }

    /** Whether the last EHLO reply named {@code keyword}, e.g. PIPELINING or STARTTLS. */
    boolean offers(String keyword) {
        return extensions.contains(keyword);
    }

    /** RFC 3207 §4.2: after the handshake the client forgets what the server said before it. */
    void tlsStarted() {
        extensions.clear();
    }

    /** MAIL FROM was accepted: a transaction begins (RFC 5321 §3.3). */
    void mailAccepted(String reversePath) {
        sender = reversePath;
        recipients.clear();
    }

    void recipientAccepted(String forwardPath) {
        recipients.add(forwardPath);
    }

    String sender() {
        return sender;
    }

    List<String> recipients() {
        return List.copyOf(recipients);
    }

    /** The reply to the end of DATA, or RSET, ends the transaction whatever it says. */
    void transactionEnded() {
        sender = null;
        recipients.clear();
    }

    /** sendMessage() counts its messages on the connection, to reuse it N times. */
    int messageSent() {
        return ++messagesSent;
    }
}
