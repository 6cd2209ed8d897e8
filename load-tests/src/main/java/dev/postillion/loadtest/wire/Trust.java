package dev.postillion.loadtest.wire;

import java.nio.file.Path;

/** Which server certificates a client accepts; the host name is never checked. */
public sealed interface Trust {
    /** The JDK's default trust store. */
    record SystemDefault() implements Trust {}

    /** Any certificate: for test servers with self-signed ones. */
    record All() implements Trust {}

    /** Certificates that chain to one in this key store (PKCS#12 or JKS). */
    record Store(Path path, String password) implements Trust {}
}
