package dev.postillion.mta.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code postillion.tls}: the certificate the SMTP listeners present; documented in mta's
 * reference.conf.
 *
 * @param files the operator's PEM files, or empty for the certificate generated into
 *     {@code generatedDir}
 * @param generatedDir where the self-signed certificate is kept ({@code <data-dir>/tls})
 * @param hostname the name the self-signed certificate is made for
 */
public record TlsSettings(Optional<PemFiles> files, Path generatedDir, String hostname) {

    /** The certificate chain and its private key, each in a PEM file. */
    public record PemFiles(Path chain, Path key) {}

    static final String CERT = "postillion.tls.cert";
    static final String KEY = "postillion.tls.key";

    /** @throws ConfigException.BadValue when only one of the two files is set */
    public static TlsSettings from(Config config, Path dataDir, String hostname) {
        String chain = config.getString(CERT);
        String key = config.getString(KEY);
        if (chain.isEmpty() != key.isEmpty()) {
            String missing = chain.isEmpty() ? CERT : KEY;
            throw new ConfigException.BadValue(missing, "must be set together with "
                    + (chain.isEmpty() ? KEY : CERT) + " (or neither, for a self-signed certificate)");
        }
        Optional<PemFiles> files = chain.isEmpty() ? Optional.empty()
                : Optional.of(new PemFiles(Path.of(chain), Path.of(key)));
        return new TlsSettings(files, dataDir.resolve("tls"), hostname);
    }
}
