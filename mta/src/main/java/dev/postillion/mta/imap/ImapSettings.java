package dev.postillion.mta.imap;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** {@code postillion.imap}, documented in mta's reference.conf. */
public record ImapSettings(String plainBind, int plainPort, String tlsBind, int tlsPort,
        List<String> plaintextLoginNetworks, Duration idleTimeout, Duration loginTimeout, int maxLineLength,
        long maxLiteralSize, int maxConnectionsPerClient, int maxConnectionsPerUser) {

    /** What a literal may hold before login: a user name or a password. */
    static final int MAX_LITERAL_BEFORE_LOGIN = 4096;

    public static ImapSettings from(Config imap) {
        return new ImapSettings(imap.getString("plain.bind"), imap.getInt("plain.port"),
                imap.getString("implicit-tls.bind"), imap.getInt("implicit-tls.port"),
                imap.getStringList("plaintext-login-networks"), imap.getDuration("idle-timeout"),
                imap.getDuration("login-timeout"), (int) imap.getBytes("max-line-length").longValue(),
                imap.getBytes("max-literal-size"), imap.getInt("max-connections-per-client"),
                imap.getInt("max-connections-per-user"));
    }
}
