package dev.postillion.auth;

import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dmarc.DmarcVerdict;
import dev.postillion.auth.spf.SpfVerdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code Authentication-Results:} header field (RFC 8601) that records what this node found
 * of a message's SPF, DKIM and DMARC, and the removal of fields a sender forged in our name.
 */
public final class AuthenticationResults {

    private static final String FIELD = "Authentication-Results";
    /** A comment is kept short: it is for people reading headers, the verdict is the keyword. */
    private static final int MAX_COMMENT = 200;

    private AuthenticationResults() {}

    /**
     * The header field, folded one result per line, CRLF-terminated.
     *
     * @param authservId this node's name (RFC 8601 section 2.5)
     * @param spf the SPF verdict; empty when SPF is not checked
     * @param dkim one result per signature, or empty when DKIM is not checked; an empty list of a
     *     checked message gives {@code dkim=none}
     * @param mailFrom the MAIL FROM address, or the HELO name when the sender was null
     * @param utf8 whether the message is an SMTPUTF8 one, whose header may carry UTF-8 (RFC 6532
     *     section 3.2, RFC 8601 section 2.2): its non-ASCII is then written as it is, to be
     *     encoded as UTF-8 with the rest of the field; in other messages it is replaced by '?'
     */
    public static String header(String authservId, Optional<SpfVerdict> spf, Optional<List<DkimResult>> dkim,
            Optional<DmarcVerdict> dmarc, String mailFrom, boolean utf8) {
        List<String> results = new ArrayList<>();
        spf.ifPresent(verdict -> results.add("spf=" + verdict.result().keyword() + comment(verdict.reason(), utf8)
                + " " + verdict.identity().property() + "=" + pvalue(mailFrom, utf8)));
        dkim.ifPresent(signatures -> {
            if (signatures.isEmpty()) {
                results.add("dkim=none");
            }
            signatures.forEach(signature -> results.add(dkim(signature)));
        });
        dmarc.ifPresent(verdict -> results.add(dmarc(verdict, utf8)));
        StringBuilder field = new StringBuilder(FIELD).append(": ").append(authservId);
        if (results.isEmpty()) {
            return field.append("; none\r\n").toString();
        }
        for (String result : results) {
            field.append(";\r\n\t").append(result);
        }
        return field.append("\r\n").toString();
    }

    /**
     * The reason's stable phrase as the comment; the detail, which may quote what went wrong
     * inside, is for the log. A pass whose {@code l=} leaves content unsigned says how much of
     * the body the signature covers (RFC 6376 section 8.2): that content may have been added.
     */
    private static String dkim(DkimResult signature) {
        String note = signature.passed() && signature.bodyPartiallySigned()
                ? "body length limit: " + signature.bodyLength().getAsLong() + " of " + signature.bodyOctets()
                        + " octets signed"
                : signature.reason().text();
        StringBuilder result = new StringBuilder("dkim=").append(signature.status().keyword())
                .append(comment(note, false));
        if (!signature.domain().isEmpty()) {
            result.append(" header.d=").append(signature.domain());
        }
        if (!signature.selector().isEmpty()) {
            result.append(" header.s=").append(signature.selector());
        }
        if (!signature.headerB().isEmpty()) {
            result.append(" header.b=").append(signature.headerB());
        }
        return result.toString();
    }

    /** {@code dmarc=fail (p=reject dis=reject) header.from=example.org}, as receivers commonly write it. */
    private static String dmarc(DmarcVerdict verdict, boolean utf8) {
        String comment = verdict.result() == DmarcVerdict.Result.FAIL
                ? "p=" + verdict.policy().keyword() + " dis=" + verdict.disposition().keyword()
                : verdict.reason();
        return "dmarc=" + verdict.result().keyword() + comment(comment, utf8)
                + (verdict.domain().isEmpty() ? "" : " header.from=" + verdict.domain());
    }

    /** An ASCII dot-atom address, or a domain name: safe in a header as it is. */
    private static final Pattern PLAIN = Pattern.compile(
            "([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");

    /**
     * A property value (RFC 8601 section 2.2): the address or name as it is when plain, else a
     * quoted-string, so that a sender's quoted local part or domain literal cannot add results
     * of its own to our field.
     */
    private static String pvalue(String value, boolean utf8) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return "\"" + quoted(value, "\"\\", utf8) + "\"";
    }

    /**
     * A comment (RFC 5322 section 3.2.2), with backslash and parentheses quoted, so that text from
     * the outside world cannot end it or the field early.
     */
    private static String comment(String text, boolean utf8) {
        if (text.isBlank()) {
            return "";
        }
        String shortened = text.length() > MAX_COMMENT
                ? text.substring(0, text.offsetByCodePoints(0, text.codePointCount(0, MAX_COMMENT))) + "..." : text;
        return " (" + quoted(shortened, "\\()", utf8) + ")";
    }

    /**
     * The text with each of {@code special} backslash-quoted (RFC 5322 section 3.2.1), printable
     * ASCII kept, and other characters kept only in a UTF-8 header (RFC 6532 section 3.2 adds
     * UTF8-non-ascii to qtext and ctext; controls never): '?' for the rest, so that CR and LF
     * cannot break the field.
     */
    private static String quoted(String text, String special, boolean utf8) {
        StringBuilder quoted = new StringBuilder(text.length() + 2);
        text.codePoints().forEach(c -> {
            if (special.indexOf(c) >= 0) {
                quoted.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7F || utf8 && c >= 0xA0) {
                quoted.appendCodePoint(c);
            } else {
                quoted.append('?');
            }
        });
        return quoted.toString();
    }

    /**
     * The message without any {@code Authentication-Results} field whose authserv-id is ours: a
     * sender may not speak in our name (RFC 8601 section 5). Fields of other servers stay.
     */
    public static byte[] withoutForged(byte[] message, String authservId) {
        // Only the header section is read; ISO-8859-1 maps every octet to one char and back.
        int end = headerEnd(message);
        String text = new String(message, 0, end, StandardCharsets.ISO_8859_1);
        StringBuilder kept = new StringBuilder(text.length());
        int start = 0;
        boolean removed = false;
        while (start < end) {
            int next = fieldEnd(text, start, end);
            String field = text.substring(start, next);
            if (isOurs(field, authservId)) {
                removed = true;
            } else {
                kept.append(field);
            }
            start = next;
        }
        if (!removed) {
            return message;
        }
        byte[] header = kept.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] cleaned = new byte[header.length + message.length - end];
        System.arraycopy(header, 0, cleaned, 0, header.length);
        System.arraycopy(message, end, cleaned, header.length, message.length - end);
        return cleaned;
    }

    /** Where the header section ends: the start of the empty line, or the end of the message. */
    private static int headerEnd(byte[] message) {
        if (message.length >= 2 && message[0] == '\r' && message[1] == '\n') {
            return 0;
        }
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return i + 2;
            }
        }
        return message.length;
    }

    /** The end of the field starting at {@code start}: after its last continuation line. */
    private static int fieldEnd(String text, int start, int end) {
        int position = start;
        do {
            int lineEnd = text.indexOf("\r\n", position);
            position = lineEnd < 0 || lineEnd + 2 > end ? end : lineEnd + 2;
        } while (position < end && (text.charAt(position) == ' ' || text.charAt(position) == '\t'));
        return position;
    }

    private static boolean isOurs(String field, String authservId) {
        int colon = field.indexOf(':');
        if (colon < 0 || !field.substring(0, colon).trim().equalsIgnoreCase(FIELD)) {
            return false;
        }
        String value = withoutComments(field.substring(colon + 1)).trim();
        int semicolon = value.indexOf(';');
        String id = (semicolon < 0 ? value : value.substring(0, semicolon)).trim().split("\\s+")[0];
        if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) {
            id = id.substring(1, id.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return id.toLowerCase(Locale.ROOT).equals(authservId.toLowerCase(Locale.ROOT));
    }

    /** The value with its comments, nested ones included, made spaces (RFC 5322 section 3.2.2). */
    private static String withoutComments(String value) {
        StringBuilder text = new StringBuilder(value.length());
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && depth > 0) {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                text.append(depth == 0 ? ' ' : "");
            } else if (depth == 0) {
                text.append(c);
            }
        }
        return text.toString();
    }
}
