package dev.postillion.auth.dkim;

import java.util.Arrays;
import java.util.Optional;

/** Key types of a key record's {@code k=} tag (RFC 6376 section 3.6.1, RFC 8463 section 4). */
public enum KeyType {

    RSA("rsa", "RSA"),
    ED25519("ed25519", "Ed25519");

    private final String tag;
    private final String jcaName;

    KeyType(String tag, String jcaName) {
        this.tag = tag;
        this.jcaName = jcaName;
    }

    /** The type named by a {@code k=} value, case-insensitively. */
    static Optional<KeyType> byTag(String value) {
        return Arrays.stream(values()).filter(type -> type.tag.equalsIgnoreCase(value)).findFirst();
    }

    public String tag() {
        return tag;
    }

    /** The name of the type's key factories and generators in Java's standard algorithm names. */
    public String jcaName() {
        return jcaName;
    }
}
