package dev.postillion.auth.dkim;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A message as DKIM sees it (RFC 6376 section 5.4 and 3.4): the header fields, raw and in order,
 * and where the body starts. Lines end in CRLF, as SMTP delivers them; a lone CR or LF is content.
 * Body hashes are kept, so that signatures with the same canonicalization hash the body once.
 */
public final class DkimMessage {

    static final String SIGNATURE_FIELD = "DKIM-Signature";

    private final byte[] bytes;
    private final List<HeaderField> headers;
    private final int bodyStart;
    private final Map<BodyHashKey, BodyCanonicalizer.BodyHash> bodyHashes = new ConcurrentHashMap<>();

    private record BodyHashKey(Canonicalization canonicalization, String digest, long limit) {}

    private DkimMessage(byte[] bytes, List<HeaderField> headers, int bodyStart) {
        this.bytes = bytes;
        this.headers = List.copyOf(headers);
        this.bodyStart = bodyStart;
    }

    /** Splits {@code message} at the first empty line (RFC 5322 section 2.1). */
    public static DkimMessage parse(byte[] message) {
        List<HeaderField> headers = new ArrayList<>();
        int fieldStart = -1;
        int at = 0;
        while (at < message.length) {
            int end = lineEnd(message, at);
            boolean continuation = end > at && (message[at] == ' ' || message[at] == '\t');
            if (!continuation && fieldStart >= 0) {
                headers.add(field(message, fieldStart, at));
                fieldStart = -1;
            }
            if (end == at) {
                return new DkimMessage(message, headers, Math.min(message.length, at + 2));
            }
            if (fieldStart < 0) {
                fieldStart = at; // a new field; a continuation before any field starts one too
            }
            at = Math.min(message.length, end + 2);
        }
        if (fieldStart >= 0) {
            headers.add(field(message, fieldStart, message.length));
        }
        return new DkimMessage(message, headers, message.length);
    }

    /** The message as parsed, not copied. */
    byte[] bytes() {
        return bytes;
    }

    public List<HeaderField> headers() {
        return headers;
    }

    /** The DKIM-Signature fields, top to bottom. */
    List<HeaderField> signatures() {
        return headers.stream().filter(field -> field.is(SIGNATURE_FIELD)).toList();
    }

    /** The body hashed as RFC 6376 section 3.7 says, once per canonicalization, digest and length. */
    BodyCanonicalizer.BodyHash bodyHash(Canonicalization canonicalization, String digest, long limit) {
        return bodyHashes.computeIfAbsent(new BodyHashKey(canonicalization, digest, limit),
                key -> BodyCanonicalizer.hash(bytes, bodyStart, canonicalization, newDigest(digest), limit));
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has " + algorithm, e);
        }
    }

    /** A field from {@code start} to the CRLF before {@code next}, the start of the following line. */
    private static HeaderField field(byte[] message, int start, int next) {
        int end = next;
        if (end - start >= 2 && message[end - 2] == '\r' && message[end - 1] == '\n') {
            end -= 2;
        }
        return HeaderField.of(Arrays.copyOfRange(message, start, end));
    }

    /** The index of the CRLF that ends the line starting at {@code from}, or the message's length. */
    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i + 1 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                return i;
            }
        }
        return message.length;
    }
}
