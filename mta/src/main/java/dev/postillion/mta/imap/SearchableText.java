package dev.postillion.mta.imap;

import dev.postillion.mta.mime.EncodedWords;
import dev.postillion.mta.mime.TransferDecoding;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.stream.NameValuePair;

/**
 * A message's text as SEARCH matches it (RFC 9051 section 6.4.4 asks for a substring match,
 * case-insensitive for ASCII at least): header field values with their RFC 2047 encoded-words
 * decoded, and the body as its reader sees it, each text part decoded from its
 * Content-Transfer-Encoding and charset, through multiparts and into the messages message/rfc822
 * parts enclose. TEXT takes every header in too, BODY none, as Dovecot searches (compared in
 * SearchTextTest). Other parts (images, archives) are left out:
 * their encoded octets are no text anyone searches for. Kept in lower case; made once per message
 * however many keys ask.
 */
final class SearchableText {

    private final MimePart root;
    private String text;
    private String body;

    private SearchableText(MimePart root) {
        this.root = root;
    }

    static SearchableText of(byte[] message) {
        return new SearchableText(MimeParser.parse(message));
    }

    /**
     * Whether a top-level field named {@code field} holds {@code wanted}; with {@code wanted}
     * empty, whether there is such a field at all (RFC 9051: "HEADER <field-name> """).
     */
    boolean fieldContains(String field, String wanted) {
        String lower = wanted.toLowerCase(Locale.ROOT);
        return root.header().all(field).stream().anyMatch(value -> lowerDecoded(value).contains(lower));
    }

    /**
     * Whether a field's value, as the message's record keeps it (unfolded, as written), holds
     * {@code wanted} once its encoded-words are decoded: as {@link #fieldContains} for a message
     * with one such field, without reading the message. An empty {@code wanted}: the field is there.
     */
    static boolean valueContains(String value, String wanted) {
        return wanted.isEmpty() ? !value.isEmpty() : lowerDecoded(value).contains(wanted.toLowerCase(Locale.ROOT));
    }

    /** BODY: the body's text. */
    boolean bodyContains(String wanted) {
        return body().contains(wanted.toLowerCase(Locale.ROOT));
    }

    /** TEXT: any header's or part's text, in enclosed messages too. */
    boolean textContains(String wanted) {
        return text().contains(wanted.toLowerCase(Locale.ROOT));
    }

    /** The headers of the message, of its parts and of the messages it encloses, and all their text. */
    private String text() {
        if (text == null) {
            StringBuilder all = new StringBuilder();
            headerText(root, all);
            partsText(root, true, all);
            text = all.toString();
        }
        return text;
    }

    private String body() {
        if (body == null) {
            StringBuilder bodyText = new StringBuilder();
            partsText(root, false, bodyText);
            body = bodyText.toString();
        }
        return body;
    }

    private static void headerText(MimePart part, StringBuilder text) {
        for (MessageHeader.Field field : part.header().fields()) {
            // A line without a colon is no field, but it is text of the message all the same.
            if (field.name() != null) {
                text.append(field.name().toLowerCase(Locale.ROOT)).append(": ");
            }
            text.append(lowerDecoded(field.value())).append('\n');
        }
    }

    /**
     * The text parts of {@code part}, decoded, through its multiparts and the messages message/rfc822
     * parts enclose; with {@code whole}, the parts' and enclosed messages' headers too, as TEXT
     * searches them. BODY leaves those headers out, as Dovecot does.
     */
    private static void partsText(MimePart part, boolean whole, StringBuilder text) {
        if (part.isMultipart()) {
            for (MimePart child : part.parts()) {
                if (whole) {
                    headerText(child, text);
                }
                partsText(child, whole, text);
            }
        } else if (part.enclosed() != null) {
            if (whole) {
                headerText(part.enclosed(), text);
            }
            partsText(part.enclosed(), whole, text);
        } else if (!part.isMime() || part.contentType().value().toLowerCase(Locale.ROOT).startsWith("text/")) {
            text.append(decoded(part).toLowerCase(Locale.ROOT)).append('\n');
        }
    }

    /** A text part's content as characters: RFC 2045's default charset is US-ASCII, read here as UTF-8. */
    private static String decoded(MimePart part) {
        String encoding = part.isMime() ? part.header().last("Content-Transfer-Encoding") : null;
        byte[] octets = encoding == null ? part.body()
                : TransferDecoding.decode(part.body(), ParameterizedValue.parse(encoding).value());
        return new String(octets, part.isMime() ? charset(part) : StandardCharsets.UTF_8);
    }

    /** The part's charset; US-ASCII read as UTF-8, its superset, since 8-bit text often claims it (as Dovecot reads it). */
    private static Charset charset(MimePart part) {
        Charset charset = part.contentType().parameters().stream()
                .filter(parameter -> parameter.getName().equalsIgnoreCase("charset"))
                .map(NameValuePair::getValue).findFirst().map(EncodedWords::charset).orElse(StandardCharsets.UTF_8);
        return charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
    }

    private static String lowerDecoded(String value) {
        return EncodedWords.decode(value).toLowerCase(Locale.ROOT);
    }
}
