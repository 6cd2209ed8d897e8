package dev.postillion.mta.managesieve;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** {@code postillion.managesieve}, documented in mta's reference.conf. */
public record ManageSieveSettings(String bind, int port, List<String> plaintextLoginNetworks, Duration idleTimeout,
        int maxLineLength, int maxConnectionsPerClient) {

    public static ManageSieveSettings from(Config managesieve) {
        return new ManageSieveSettings(managesieve.getString("bind"), managesieve.getInt("port"),
                managesieve.getStringList("plaintext-login-networks"), managesieve.getDuration("idle-timeout"),
                (int) managesieve.getBytes("max-line-length").longValue(),
                managesieve.getInt("max-connections-per-client"));
    }
}
