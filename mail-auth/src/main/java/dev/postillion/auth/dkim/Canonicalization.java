package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * DKIM's two canonicalization algorithms (RFC 6376 section 3.4), for header fields here and for
 * the body in {@link BodyCanonicalizer}.
 */
enum Canonicalization {

    /** RFC 6376 sections 3.4.1 and 3.4.3: (almost) no change. */
    SIMPLE,
    /** RFC 6376 sections 3.4.2 and 3.4.4: tolerant of white space changes. */
    RELAXED;

    /** A {@code c=} half, case-insensitive (an ABNF literal, RFC 5234 section 2.3). */
    static Canonicalization parse(String name) throws DkimException {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "simple":
                return SIMPLE;
            case "relaxed":
                return RELAXED;
            default:
                throw new DkimException(DkimResult.Reason.UNSUPPORTED, "unknown canonicalization " + name);
        }
    }

    /**
     * The canonical form of a header field, without the CRLF that ends it. Simple: the octets as
     * they are. Relaxed (RFC 6376 section 3.4.2): name lower-cased, value unfolded, runs of
     * white space made one space, white space at the ends of the value and around the colon removed.
     */
    byte[] header(byte[] raw) {
        return this == SIMPLE ? raw : relaxedHeader(raw);
    }

    private static byte[] relaxedHeader(byte[] raw) {
        int colon = indexOf(raw, (byte) ':');
        if (colon < 0) {
            return collapse(raw, 0, raw.length).toByteArray(); // no field; never selected by name
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        byte[] name = lowerCase(collapse(raw, 0, colon).toByteArray());
        out.write(name, 0, name.length);
        out.write(':');
        byte[] value = collapse(raw, colon + 1, raw.length).toByteArray();
        out.write(value, 0, value.length);
        return out.toByteArray();
    }

    /**
     * Octets {@code from} to {@code to} with CRLFs removed (unfolding), runs of SP and HTAB made
     * one SP, and white space at both ends removed.
     */
    private static ByteArrayOutputStream collapse(byte[] raw, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '\r' && i + 1 < to && raw[i + 1] == '\n') {
                i++; // unfolding: a CRLF followed by white space is not there
                continue;
            }
            if (b == ' ' || b == '\t') {
                pendingSpace = out.size() > 0;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
        }
        return out;
    }

    private static byte[] lowerCase(byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (name[i] >= 'A' && name[i] <= 'Z') {
                name[i] = (byte) (name[i] + ('a' - 'A'));
            }
        }
        return name;
    }

    private static int indexOf(byte[] raw, byte wanted) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
