package dev.postillion.mta.smtp;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The trace header every SMTP server prepends (RFC 5321 section 4.4). */
final class ReceivedHeader {

    /** RFC 5322 section 3.3 date-time with a numeric zone. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ReceivedHeader() {}

    static String format(Envelope envelope, QueueId id, String hostname, Client client) {
        String literal = envelope.clientAddress().contains(":")
                ? "IPv6:" + envelope.clientAddress() : envelope.clientAddress();
        StringBuilder header = new StringBuilder()
                .append("Received: from ").append(envelope.heloName()).append(" ([").append(literal).append("])\r\n");
        // A comment, as Postfix writes it, so that readers of the trace see how the hop was protected.
        client.tls().ifPresent(tls -> header.append("\t(using ").append(tls.protocol()).append(" with cipher ")
                .append(tls.cipherSuite()).append(" (").append(tls.cipherBits()).append('/')
                .append(tls.cipherBits()).append(" bits))\r\n"));
        header.append("\tby ").append(hostname).append(" (Postillion) with ").append(protocol(envelope, client))
                .append(" id ").append(id);
        // Only a single recipient is named, so that Bcc recipients stay hidden from each other.
        if (envelope.recipients().size() == 1) {
            header.append("\r\n\tfor <").append(envelope.recipients().get(0).address()).append(">");
        }
        header.append("; ").append(DATE.format(envelope.arrival())).append("\r\n");
        return header.toString();
    }

    /**
     * The "with" clause: RFC 3848 adds S for TLS and A for SMTP AUTH (ESMTPSA), RFC 6531
     * section 3.7.3 names SMTPUTF8 sessions UTF8SMTP. The registry has no TLS form of plain SMTP.
     */
    static String protocol(Envelope envelope, Client client) {
        if (!client.esmtp()) {
            return "SMTP";
        }
        return (envelope.smtputf8() ? "UTF8SMTP" : "ESMTP") + (client.tls().isPresent() ? "S" : "")
                + (client.user().isPresent() ? "A" : "");
    }
}
