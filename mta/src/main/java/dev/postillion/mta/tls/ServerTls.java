package dev.postillion.mta.tls;

import com.typesafe.config.ConfigException;
import dev.postillion.core.TlsHandshakes;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for the SMTP listeners: STARTTLS (RFC 3207) and implicit TLS (RFC 8314).
 * TLS 1.2 and 1.3 only, with forward-secret AEAD suites (RFC 9325 section 4.2), on the JDK's
 * provider.
 *
 * <p>The operator's PEM files are looked at again for every new TLS connection: when either has
 * changed (modification time, size or file), they are read anew and new connections get the new
 * certificate, while connections under way keep theirs. Files that cannot be read then, as while
 * a renewal is half-way written, leave the previous certificate in use, with a warning, until they
 * change again.
 */
public final class ServerTls {

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** TLS 1.3's suites are all AEAD; for 1.2, ECDHE with AES-GCM or ChaCha20-Poly1305. */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** What identifies one version of a file: replacing or rewriting it changes one of these. */
    private record Stamp(FileTime modified, long size, Object fileKey) {

        static Optional<Stamp> of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return Optional.of(new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private final Optional<TlsSettings.PemFiles> files;
    private final TlsHandshakes handshakes;
    private SslContext context;
    private X509Certificate certificate;
    private List<Optional<Stamp>> seen;

    private ServerTls(Optional<TlsSettings.PemFiles> files, CertifiedKey initial, List<Optional<Stamp>> seen,
            TlsHandshakes handshakes) {
        this.files = files;
        this.handshakes = handshakes;
        this.seen = seen;
        use(initial);
    }

    /**
     * Reads the configured certificate, or the generated one when none is configured.
     *
     * @throws ConfigException.BadValue naming {@code postillion.tls.cert} or {@code .key} when
     *     their file cannot be used
     */
    public static ServerTls start(TlsSettings settings, Clock clock, TlsHandshakes handshakes) {
        if (settings.files().isEmpty()) {
            return new ServerTls(Optional.empty(),
                    GeneratedCertificate.loadOrCreate(settings.generatedDir(), settings.hostname(), clock), List.of(),
                    handshakes);
        }
        TlsSettings.PemFiles files = settings.files().get();
        List<Optional<Stamp>> stamps = stamps(files);
        return new ServerTls(settings.files(), CertifiedKey.read(files), stamps, handshakes);
    }

    /**
     * A handler for a new connection; its handshake is counted when it ends, a connection closed
     * before it ends counting as a failure.
     *
     * @param startTls the first write (the 220 to STARTTLS) still goes out in plain text
     */
    public SslHandler newHandler(ByteBufAllocator allocator, boolean startTls) {
        SslHandler handler = new SslHandler(current().newEngine(allocator), startTls);
        handler.handshakeFuture().addListener(handshake -> handshakes.inbound(handshake.isSuccess()));
        return handler;
    }

    private synchronized SslContext current() {
        files.ifPresent(this::reloadIfChanged);
        return context;
    }

    private void reloadIfChanged(TlsSettings.PemFiles pem) {
        List<Optional<Stamp>> now = stamps(pem);
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            use(CertifiedKey.read(pem));
            log.info("TLS certificate reloaded from {}: {}", pem.chain(), certificate.getSubjectX500Principal());
        } catch (ConfigException e) {
            log.warn("TLS certificate not reloaded, the previous one stays in use: {}", e.getMessage());
        }
    }

    private static List<Optional<Stamp>> stamps(TlsSettings.PemFiles pem) {
        return List.of(Stamp.of(pem.chain()), Stamp.of(pem.key()));
    }

    private void use(CertifiedKey credentials) {
        try {
            context = SslContextBuilder
                    .forServer(credentials.key(), credentials.chain().toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
            certificate = credentials.certificate();
        } catch (SSLException e) {
            throw new ConfigException.BadValue(TlsSettings.CERT, "the certificate cannot be used for TLS: "
                    + e.getMessage());
        }
    }
}
