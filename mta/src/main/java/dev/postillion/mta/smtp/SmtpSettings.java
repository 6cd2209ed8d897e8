package dev.postillion.mta.smtp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.mta.net.ClientNetworks;
import java.time.Duration;

/** {@code postillion.smtp} settings for one listener; documented in mta's reference.conf. */
public record SmtpSettings(
        String bind,
        int port,
        long maxMessageSize,
        int maxRecipients,
        int maxLineLength,
        int errorLimit,
        int junkCommandLimit,
        int maxReceivedHeaders,
        Duration idleTimeout,
        Duration dataTimeout,
        Duration sessionTimeLimit,
        ClientNetworks relayNetworks) {

    /**
     * @param smtp the {@code postillion.smtp} block; {@code listener} one of its listener blocks
     * @throws ConfigException.BadValue naming the setting, where it was set, and the bad entry
     */
    public static SmtpSettings from(Config smtp, String listener) {
        Config own = smtp.getConfig(listener);
        return new SmtpSettings(
                own.getString("bind"),
                own.getInt("port"),
                smtp.getBytes("max-message-size"),
                smtp.getInt("max-recipients"),
                smtp.getInt("max-line-length"),
                smtp.getInt("error-limit"),
                smtp.getInt("junk-command-limit"),
                smtp.getInt("max-received-headers"),
                smtp.getDuration("idle-timeout"),
                smtp.getDuration("data-timeout"),
                smtp.getDuration("session-time-limit"),
                relayNetworks(smtp));
    }

    private static ClientNetworks relayNetworks(Config smtp) {
        try {
            return ClientNetworks.parse(smtp.getStringList("relay-networks"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(smtp.getValue("relay-networks").origin(),
                    "postillion.smtp.relay-networks", e.getMessage(), e);
        }
    }
}
