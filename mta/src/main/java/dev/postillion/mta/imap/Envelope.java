package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The ENVELOPE of a message (RFC 9051 section 7.5.2): date, subject, from, sender, reply-to, to,
 * cc, bcc, in-reply-to and message-id, read from its header. Values are passed on as written;
 * RFC 2047 encoded words are not decoded (RFC 9051 leaves that to the client). Of a field that
 * is there more than once the last counts, and repeated address fields are joined, as in Dovecot.
 */
final class Envelope {

    private Envelope() {}

    static void write(ByteArrayOutputStream out, MessageHeader header) {
        List<EnvelopeAddress> from = addresses(header, "From");
        out.write('(');
        ImapStrings.nstring(out, header.last("Date"));
        out.write(' ');
        subject(out, header.lastFolded("Subject"));
        out.write(' ');
        EnvelopeAddress.writeList(out, from);
        out.write(' ');
        // RFC 9051 section 7.5.2: sender and reply-to are the from list when absent (or empty)
        EnvelopeAddress.writeList(out, orElse(addresses(header, "Sender"), from));
        out.write(' ');
        EnvelopeAddress.writeList(out, orElse(addresses(header, "Reply-To"), from));
        for (String field : List.of("To", "Cc", "Bcc")) {
            out.write(' ');
            EnvelopeAddress.writeList(out, addresses(header, field));
        }
        out.write(' ');
        ImapStrings.nstring(out, header.last("In-Reply-To"));
        out.write(' ');
        ImapStrings.nstring(out, header.last("Message-ID"));
        out.write(')');
    }

    /** The subject is text for people: written as Dovecot writes it (see ImapStrings.humanText). */
    private static void subject(ByteArrayOutputStream out, String subject) {
        if (subject == null) {
            ImapStrings.ascii(out, "NIL");
        } else {
            ImapStrings.humanText(out, subject);
        }
    }

    /** The addresses of all the fields of that name, one list (Dovecot joins repeated fields so). */
    private static List<EnvelopeAddress> addresses(MessageHeader header, String field) {
        return header.all(field).stream().flatMap(value -> EnvelopeAddress.parseList(value).stream()).toList();
    }

    private static List<EnvelopeAddress> orElse(List<EnvelopeAddress> list, List<EnvelopeAddress> fallback) {
        return list.isEmpty() ? fallback : list;
    }
}
