package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * One address of an ENVELOPE address list (RFC 9051 section 7.5.2): display name, source route
 * (adl), mailbox and host. A group (RFC 5322 section 3.4) is marked as RFC 3501 section 7.4.2
 * says: its start has the group name as mailbox and a NIL host, its end NIL mailbox and host.
 *
 * <p>An address without a domain gets host {@code MISSING_DOMAIN}, one without a local part
 * mailbox {@code MISSING_MAILBOX}: Dovecot's words, kept so clients see the same from both.
 */
record EnvelopeAddress(String name, String route, String mailbox, String host) {

    static final String MISSING_MAILBOX = "MISSING_MAILBOX";
    static final String MISSING_DOMAIN = "MISSING_DOMAIN";

    static EnvelopeAddress groupStart(String name) {
        return new EnvelopeAddress(null, null, name, null);
    }

    static EnvelopeAddress groupEnd() {
        return new EnvelopeAddress(null, null, null, null);
    }

    /** The addresses of an address-list header value (RFC 5322 section 3.4), never null. */
    static List<EnvelopeAddress> parseList(String value) {
        return new AddressListReader(value).read();
    }

    /** The list as ENVELOPE writes it: {@code ((...)(...))}, or NIL when there is none. */
    static void writeList(ByteArrayOutputStream out, List<EnvelopeAddress> addresses) {
        if (addresses == null || addresses.isEmpty()) {
            ImapStrings.ascii(out, "NIL");
            return;
        }
        out.write('(');
        for (EnvelopeAddress address : addresses) {
            address.write(out);
        }
        out.write(')');
    }

    private void write(ByteArrayOutputStream out) {
        out.write('(');
        if (name == null) {
            ImapStrings.ascii(out, "NIL");
        } else {
            ImapStrings.humanText(out, name);
        }
        out.write(' ');
        ImapStrings.nstring(out, route);
        out.write(' ');
        ImapStrings.nstring(out, mailbox);
        out.write(' ');
        ImapStrings.nstring(out, host);
        out.write(')');
    }
}
