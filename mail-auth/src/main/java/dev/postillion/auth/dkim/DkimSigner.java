package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs messages (RFC 6376 section 5) with the verifier's own canonicalization and header
 * selection, so that what is signed here is what {@link DkimVerifier} and every other verifier
 * check: {@code c=relaxed/relaxed}, which survives the re-folding and white space changes of
 * servers on the way; no {@code l=} (section 8.2: a body limit lets content be appended); {@code t=}
 * the time of signing; no {@code x=}, since a message may wait in queues for days.
 */
public final class DkimSigner {

    /**
     * The fields signed when present (RFC 6376 section 5.4.1's list of what identifies and
     * describes the message, and RFC 8058's List-Unsubscribe-Post, which must be signed). Trace
     * fields (Received, Return-Path) and the results of checks are left out: servers add them.
     */
    static final List<String> SIGNED_FIELDS = List.of(
            "From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc",
            "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
            "Content-ID", "Content-Description", "Resent-Date", "Resent-From", "Resent-Sender", "Resent-To",
            "Resent-Cc", "Resent-Message-ID", "List-Id", "List-Help", "List-Unsubscribe", "List-Subscribe",
            "List-Post", "List-Owner", "List-Archive", "List-Unsubscribe-Post");
    private static final String FROM = "From";
    private static final Canonicalization CANONICALIZATION = Canonicalization.RELAXED;
    /** Base64 is folded in pieces this long, so that lines fill up to the fold. */
    private static final int BASE64_PIECE = 4;
    private static final byte[] CRLF = {'\r', '\n'};

    private DkimSigner() {}

    /**
     * @param message the message as it leaves: header fields and body, CRLF line endings
     * @param domain {@code d=}, the domain that takes responsibility (the From domain)
     * @param keys one signature per key, in this order from the top
     * @return the message with the DKIM-Signature fields in front of it (RFC 6376 section 5.6)
     */
    public static byte[] sign(DkimMessage message, String domain, List<SigningKey> keys, Instant now)
            throws GeneralSecurityException {
        ByteArrayOutputStream signed = new ByteArrayOutputStream(message.bytes().length + keys.size() * 1024);
        for (SigningKey key : keys) {
            signed.writeBytes(field(message, domain, key, now).getBytes(StandardCharsets.US_ASCII));
            signed.writeBytes(CRLF);
        }
        signed.writeBytes(message.bytes());
        return signed.toByteArray();
    }

    /** One DKIM-Signature field, folded, without its CRLF. */
    static String field(DkimMessage message, String domain, SigningKey key, Instant now)
            throws GeneralSecurityException {
        List<String> names = signedNames(message.headers());
        FoldedField field = withoutSignature(message, domain, key, now, names);
        // RFC 6376 section 3.7: the field itself is hashed last, as it will be sent but with b= empty.
        byte[] data = HeaderHash.data(message.headers(), names,
                HeaderField.of(field.text().getBytes(StandardCharsets.US_ASCII)), CANONICALIZATION);
        return base64(field, key.algorithm().sign(key.privateKey(), data)).text();
    }

    /** Every tag, {@code b=} last and still empty. */
    private static FoldedField withoutSignature(DkimMessage message, String domain, SigningKey key, Instant now,
            List<String> names) {
        SigningAlgorithm algorithm = key.algorithm();
        FoldedField field = new FoldedField(DkimMessage.SIGNATURE_FIELD)
                .word("v=1;").word("a=" + algorithm.tag() + ";").word("c=relaxed/relaxed;")
                .word("d=" + domain + ";").word("s=" + key.selector() + ";")
                .word("t=" + now.getEpochSecond() + ";");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i) + (i < names.size() - 1 ? ":" : ";");
            if (i == 0) {
                field.word("h=" + name);
            } else {
                field.join(name);
            }
        }
        byte[] bodyHash = message.bodyHash(CANONICALIZATION, algorithm.digest(), Long.MAX_VALUE).digest();
        return base64(field.word("bh="), bodyHash).join(";").word("b=");
    }

    /**
     * {@code h=}: each of {@link #SIGNED_FIELDS} as often as it occurs, so that every instance is
     * signed (section 5.4.2); From once more than it occurs, so that a From field added later
     * breaks the signature instead of being shown to the reader (section 8.15, "oversigning").
     */
    static List<String> signedNames(List<HeaderField> headers) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED_FIELDS) {
            long count = headers.stream().filter(field -> field.is(name)).count();
            for (long i = 0; i < count + (name.equals(FROM) ? 1 : 0); i++) {
                names.add(name);
            }
        }
        return names;
    }

    private static FoldedField base64(FoldedField field, byte[] value) {
        String text = Base64.getEncoder().encodeToString(value);
        for (int at = 0; at < text.length(); at += BASE64_PIECE) {
            field.join(text.substring(at, Math.min(text.length(), at + BASE64_PIECE)));
        }
        return field;
    }

    /**
     * A header field folded before a part that would take its line beyond 78 characters (RFC 5322
     * section 2.1.1). The fold, CRLF and a tab, is folding white space, which DKIM allows between
     * tags, around the colons of {@code h=} and anywhere in base64 (RFC 6376 sections 3.2 and 3.5).
     */
    private static final class FoldedField {

        private static final int LINE_LENGTH = 78;

        private final StringBuilder text;
        private int lineStart;

        FoldedField(String name) {
            text = new StringBuilder(name).append(':');
        }

        /** A tag, after a space. */
        FoldedField word(String word) {
            return append(" ", word);
        }

        /** More of the last tag, with no space unless the line is full. */
        FoldedField join(String part) {
            return append("", part);
        }

        String text() {
            return text.toString();
        }

        private FoldedField append(String separator, String part) {
            if (text.length() - lineStart + separator.length() + part.length() > LINE_LENGTH) {
                text.append("\r\n\t");
                lineStart = text.length() - 1;
            } else {
                text.append(separator);
            }
            text.append(part);
            return this;
        }
    }
}
