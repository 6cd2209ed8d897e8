package dev.postillion.mailbox.srs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that makes SRS addresses unforgeable, computed as libsrs2 does: HMAC-SHA1 (RFC 2104)
 * over the fields concatenated and lower-cased (ASCII only, like C's tolower), base64 encoded and cut
 * to four characters.
 *
 * <p>We write the base64url alphabet (RFC 4648 section 5), as the shared postsrsd vectors expect:
 * '+' and '/' in a local part trip up some mail software, '+' being a common sub-address
 * delimiter. We read both alphabets in any
 * letter case, since relays are known to change the case of local parts.
 */
final class SrsHash {

    static final int LENGTH = 4;
    private static final String ALGORITHM = "HmacSHA1";

    private final List<SecretKeySpec> keys;

    /** @param secrets the first signs, all verify, so that a secret can be replaced without bounces failing */
    SrsHash(List<byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("SRS needs at least one secret");
        }
        this.keys = secrets.stream().map(SrsHash::key).toList();
    }

    String sign(String... fields) {
        return compute(keys.get(0), fields);
    }

    /** Compared in constant time, so that timing does not reveal how many characters of a forgery are right. */
    boolean verify(String hash, String... fields) {
        byte[] given = canonical(hash);
        for (SecretKeySpec key : keys) {
            if (MessageDigest.isEqual(given, canonical(compute(key, fields)))) {
                return true;
            }
        }
        return false;
    }

    private static SecretKeySpec key(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("an SRS secret may not be empty");
        }
        return new SecretKeySpec(secret, ALGORITHM);
    }

    private static String compute(SecretKeySpec key, String... fields) {
        Mac mac = mac(key);
        for (String field : fields) {
            mac.update(asciiLowerCase(field).getBytes(StandardCharsets.UTF_8));
        }
        return Base64.getUrlEncoder().encodeToString(mac.doFinal()).substring(0, LENGTH);
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java platform", e);
        }
    }

    /** One spelling per hash: base64url alphabet, lower case. */
    private static byte[] canonical(String hash) {
        return asciiLowerCase(hash.replace('+', '-').replace('/', '_')).getBytes(StandardCharsets.UTF_8);
    }

    /** Only A-Z: libsrs2 lower-cases bytes with tolower, which leaves UTF-8 sequences alone. */
    private static String asciiLowerCase(String text) {
        StringBuilder lower = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return lower.toString();
    }
}
