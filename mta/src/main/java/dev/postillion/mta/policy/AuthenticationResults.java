package dev.postillion.mta.policy;

import dev.postillion.mta.policy.dkim.DkimResult;
import dev.postillion.mta.policy.dmarc.DmarcVerdict;
import dev.postillion.mta.policy.spf.SpfVerdict;
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
     */
    public static String header(String authservId, Optional<SpfVerdict> spf, Optional<List<DkimResult>> dkim,
            Optional<DmarcVerdict> dmarc, String mailFrom) {
        List<String> results = new ArrayList<>();
        spf.ifPresent(verdict -> results.add("spf=" + verdict.result().keyword() + comment(verdict.reason()) + " "
                + verdict.identity().property() + "=" + pvalue(mailFrom)));
        dkim.ifPresent(signatures -> {
            if (signatures.isEmpty()) {
                results.add("dkim=none");
            }
            signatures.forEach(signature -> results.add(dkim(signature)));
        });
        dmarc.ifPresent(verdict -> results.add(dmarc(verdict)));
        StringBuilder field = new StringBuilder(FIELD).append(": ").append(authservId);
        if (results.isEmpty()) {
            return field.append("; none\r\n").toString();
        }
        for (String result : results) {
            field.append(";\r\n\t").append(result);
        }
        return field.append("\r\n").toString();
    }

    private static String dkim(DkimResult signature) {
        StringBuilder result = new StringBuilder("dkim=").append(signature.status().keyword())
                .append(comment(signature.reason().text() + (signature.detail().isEmpty() ? ""
                        : ": " + signature.detail())));
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
    private static String dmarc(DmarcVerdict verdict) {
        String comment = verdict.result() == DmarcVerdict.Result.FAIL
                ? "p=" + verdict.policy().keyword() + " dis=" + verdict.disposition().keyword()
                : verdict.reason();
        return "dmarc=" + verdict.result().keyword() + comment(comment)
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
    private static String pvalue(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else {
                quoted.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * A comment (RFC 5322 section 3.2.2): printable ASCII only, with backslash and parentheses
     * quoted, so that text from the outside world cannot end it or the field early.
     */
    private static String comment(String text) {
        if (text.isBlank()) {
            return "";
        }
        StringBuilder comment = new StringBuilder(" (");
        String shortened = text.length() > MAX_COMMENT ? text.substring(0, MAX_COMMENT) + "..." : text;
        for (char c : shortened.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')') {
                comment.append('\\').append(c);
            } else {
                comment.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
        }
        return comment.append(')').toString();
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
