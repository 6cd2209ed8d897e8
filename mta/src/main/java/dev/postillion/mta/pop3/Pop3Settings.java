package dev.postillion.mta.pop3;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** {@code postillion.pop3}, documented in mta's reference.conf. */
public record Pop3Settings(String plainBind, int plainPort, String tlsBind, int tlsPort,
        List<String> plaintextLoginNetworks, Duration idleTimeout, int maxLineLength, int maxConnectionsPerClient) {

    public static Pop3Settings from(Config pop3) {
        return new Pop3Settings(pop3.getString("plain.bind"), pop3.getInt("plain.port"),
                pop3.getString("implicit-tls.bind"), pop3.getInt("implicit-tls.port"),
                pop3.getStringList("plaintext-login-networks"), pop3.getDuration("idle-timeout"),
                (int) pop3.getBytes("max-line-length").longValue(), pop3.getInt("max-connections-per-client"));
    }
}
