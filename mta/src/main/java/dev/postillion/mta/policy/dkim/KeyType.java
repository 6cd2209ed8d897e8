package dev.postillion.mta.policy.dkim;

import java.util.Arrays;
import java.util.Optional;

/** Key types of a key record's {@code k=} tag (RFC 6376 section 3.6.1, RFC 8463 section 4). */
enum KeyType {

    RSA("rsa"),
    ED25519("ed25519");

    private final String tag;

    KeyType(String tag) {
        this.tag = tag;
    }

    /** The type named by a {@code k=} value, case-insensitively. */
    static Optional<KeyType> byTag(String value) {
        return Arrays.stream(values()).filter(type -> type.tag.equalsIgnoreCase(value)).findFirst();
    }

    String tag() {
        return tag;
    }
}
