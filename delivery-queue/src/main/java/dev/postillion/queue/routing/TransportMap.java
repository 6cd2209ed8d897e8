package dev.postillion.queue.routing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The next hop of mail for each remote domain, as Postfix's transport(5) map and relayhost decide
 * it for the smtp transport: a domain's own entry, else the entry of the nearest parent domain
 * written with a leading dot, else the relay host, else the domain itself by its MX records.
 *
 * <p>Domains are compared lower-cased, as DNS compares them (RFC 4343). Internationalised domains
 * are taken as written, with no IDNA conversion: keys should be A-labels ({@code xn--...}), as
 * recipient domains are on the wire.
 */
public final class TransportMap {

    private static final String TRANSPORT = "postillion.delivery.transport";
    private static final String RELAY_HOST = "postillion.delivery.relay-host";
    private static final int SMTP_PORT = 25;

    /** Keys as configured, lower-cased: {@code example.com} for the domain, {@code .example.com} for its subdomains. */
    private final Map<String, NextHop> entries;
    private final Optional<NextHop> relayHost;

    private TransportMap(Map<String, NextHop> entries, Optional<NextHop> relayHost) {
        this.entries = Map.copyOf(entries);
        this.relayHost = relayHost;
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key of an entry that cannot be read
     */
    public static TransportMap from(Config config) {
        Map<String, NextHop> entries = new HashMap<>();
        for (Map.Entry<String, ConfigValue> entry : config.getObject(TRANSPORT).entrySet()) {
            String path = ConfigUtil.joinPath(List.of("postillion", "delivery", "transport", entry.getKey()));
            ConfigValue value = entry.getValue();
            if (value.valueType() != ConfigValueType.STRING) {
                throw new ConfigException.BadValue(value.origin(), path,
                        "expected a next hop such as \"[host]:port\"; write domain keys in quotes, as \"example.com\" = ...");
            }
            String domain = entry.getKey().toLowerCase(Locale.ROOT);
            if (!HostPort.isHostName(domain.startsWith(".") ? domain.substring(1) : domain)) {
                throw new ConfigException.BadValue(value.origin(), path, "the key is neither a domain nor .domain");
            }
            entries.put(domain, nextHop((String) value.unwrapped(), value, path));
        }
        String relayHost = config.getString(RELAY_HOST);
        return new TransportMap(entries, relayHost.isBlank()
                ? Optional.empty()
                : Optional.of(nextHop(relayHost, config.getValue(RELAY_HOST), RELAY_HOST)));
    }

    /** Where mail for {@code domain}, a domain not hosted here, goes next. */
    public NextHop nextHop(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        NextHop own = entries.get(name);
        if (own != null) {
            return own;
        }
        // Parents nearest first: ".b.example.com", ".example.com", ".com" for "a.b.example.com".
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            NextHop parent = entries.get(name.substring(dot));
            if (parent != null) {
                return parent;
            }
        }
        return relayHost.orElseGet(() -> new NextHop(name, SMTP_PORT, true));
    }

    /** Postfix's notation: brackets turn the MX lookup off. */
    private static NextHop nextHop(String text, ConfigValue value, String path) {
        try {
            HostPort hostPort = HostPort.parse(text, SMTP_PORT);
            return new NextHop(hostPort.host().toLowerCase(Locale.ROOT), hostPort.port(), !hostPort.bracketed());
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(value.origin(), path, e.getMessage());
        }
    }
}
