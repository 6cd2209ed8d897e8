package dev.postillion.mta.tls;

import javax.net.ssl.SSLSession;

/**
 * What a connection's TLS handshake agreed on, as our Received field records it.
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite e.g. {@code TLS_AES_256_GCM_SHA384}
 */
public record TlsSession(String protocol, String cipherSuite) {

    public static TlsSession of(SSLSession session) {
        return new TlsSession(session.getProtocol(), session.getCipherSuite());
    }

    /**
     * The strength of the suite's cipher in bits. Only AEAD suites are enabled ({@link ServerTls}):
     * AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305, whose key is 256 bits.
     */
    public int cipherBits() {
        return cipherSuite.contains("AES_128") ? 128 : 256;
    }
}
