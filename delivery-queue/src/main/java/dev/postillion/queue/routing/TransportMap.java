package dev.postillion.queue.routing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.core.DomainName;
import dev.postillion.core.dns.HostPort;
import java.util.Locale;
import java.util.Optional;

/**
 * The next hop of mail for each remote domain, as Postfix's transport(5) map and relayhost decide
 * it for the smtp transport: a domain's own entry, else the entry of the nearest parent domain
 * written with a leading dot, else the relay host, else the domain itself by its MX records (the
 * entries matched as a {@link DomainMap}).
 */
public final class TransportMap {

    private static final String TRANSPORT = "postillion.delivery.transport";
    private static final String RELAY_HOST = "postillion.delivery.relay-host";
    private static final int SMTP_PORT = 25;

    private final DomainMap<NextHop> entries;
    private final Optional<NextHop> relayHost;

    private TransportMap(DomainMap<NextHop> entries, Optional<NextHop> relayHost) {
        this.entries = entries;
        this.relayHost = relayHost;
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key of an entry that cannot be read
     */
    public static TransportMap from(Config config) {
        DomainMap<NextHop> entries = DomainMap.from(config, TRANSPORT, "a next hop such as \"[host]:port\"",
                TransportMap::parse);
        String relayHost = config.getString(RELAY_HOST);
        try {
            return new TransportMap(entries, relayHost.isBlank() ? Optional.empty() : Optional.of(parse(relayHost)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(config.getValue(RELAY_HOST).origin(), RELAY_HOST, e.getMessage());
        }
    }

    /** Where mail for {@code domain}, a domain not hosted here, goes next. */
    public NextHop nextHop(String domain) {
        return entries.find(domain).or(() -> relayHost)
                .orElseGet(() -> new NextHop(DomainName.key(domain), SMTP_PORT, true));
    }

    /** Postfix's notation: brackets turn the MX lookup off. */
    private static NextHop parse(String text) {
        HostPort hostPort = HostPort.parse(text, SMTP_PORT);
        return new NextHop(hostPort.host().toLowerCase(Locale.ROOT), hostPort.port(), !hostPort.bracketed());
    }
}
