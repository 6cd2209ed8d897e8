package dev.postillion.mta.mailimport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code postillion.mail-import}, documented in mta's reference.conf.
 *
 * @param listingWindow messages whose flags, dates and sizes one FETCH asks for
 * @param failuresKept failed messages a job names in its record and its confirmation
 * @param maxMessageSize {@code postillion.smtp.max-message-size}: a larger message is not copied
 * @param tlsSockets TLS that trusts the certificates of {@code trusted-certificates}, or the JVM's CAs
 */
record ImportSettings(Duration connectTimeout, Duration readTimeout, int listingWindow, int failuresKept,
        long maxMessageSize, SSLSocketFactory tlsSockets) {

    /** Where the dispatcher of the IMAP client's blocking calls is configured. */
    static final String DISPATCHER = "postillion.mail-import.dispatcher";

    private static final String TRUSTED = "trusted-certificates";

    static ImportSettings from(Config postillion) {
        Config imports = postillion.getConfig("mail-import");
        return new ImportSettings(imports.getDuration("connect-timeout"), imports.getDuration("read-timeout"),
                imports.getInt("listing-window"), imports.getInt("failures-kept"),
                postillion.getBytes("smtp.max-message-size"), tlsSockets(imports.getString(TRUSTED)));
    }

    /** Read once at the node's start: a bad file stops the start, as any bad setting does. */
    private static SSLSocketFactory tlsSockets(String trusted) {
        try {
            if (trusted.isEmpty()) {
                return SSLContext.getDefault().getSocketFactory();
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates(Path.of(trusted))) {
                anchors.setCertificateEntry("trusted-" + n++, certificate);
            }
            if (n == 0) {
                throw new ConfigException.BadValue("postillion.mail-import." + TRUSTED, trusted + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException.BadValue("postillion.mail-import." + TRUSTED,
                    "cannot read certificates from " + trusted + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }
}
