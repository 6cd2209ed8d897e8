package dev.postillion.core.dns;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code postillion.dns} settings; documented in mail-core's reference.conf.
 *
 * @param servers the DNS servers to ask; empty for the system's (/etc/resolv.conf)
 * @param timeout how long one DNS question may take in all, over every server and attempt
 * @param attempts how many times each server is asked one question, as resolv.conf's
 *     {@code options attempts}
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, int attempts) {

    private static final String SERVERS = "postillion.dns.servers";
    private static final String TIMEOUT = "postillion.dns.timeout";
    private static final String ATTEMPTS = "postillion.dns.attempts";
    private static final int DNS_PORT = 53;

    public DnsSettings {
        servers = List.copyOf(servers);
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key of a value that is wrong
     */
    public static DnsSettings from(Config config) {
        Duration timeout = config.getDuration(TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw badValue(config, TIMEOUT, "must be positive");
        }
        int attempts = config.getInt(ATTEMPTS);
        if (attempts < 1) {
            throw badValue(config, ATTEMPTS, "must be at least 1");
        }
        List<InetSocketAddress> servers = config.getStringList(SERVERS).stream()
                .map(server -> server(config, server))
                .toList();
        return new DnsSettings(servers, timeout, attempts);
    }

    /** A server is an IP address: asking DNS for the address of the DNS server cannot work. */
    private static InetSocketAddress server(Config config, String text) {
        try {
            HostPort server = HostPort.parse(text, DNS_PORT);
            return new InetSocketAddress(IpLiteral.parse(server.host()).orElseThrow(
                    () -> new IllegalArgumentException("\"" + server.host() + "\" is not an IP address")), server.port());
        } catch (IllegalArgumentException e) {
            throw badValue(config, SERVERS, e.getMessage());
        }
    }

    private static ConfigException badValue(Config config, String path, String problem) {
        return new ConfigException.BadValue(config.getValue(path).origin(), path, problem);
    }
}
