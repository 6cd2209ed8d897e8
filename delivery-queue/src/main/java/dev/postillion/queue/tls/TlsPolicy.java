package dev.postillion.queue.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.queue.routing.DomainMap;
import dev.postillion.queue.routing.NextHop;

/**
 * {@code postillion.delivery.tls}: the TLS level of each next hop, as Postfix's
 * smtp_tls_security_level with smtp_tls_policy_maps: the next hop's own entry in {@code policy}
 * (matched as a {@link DomainMap}, on the next hop's domain or host), else {@code level}.
 */
public final class TlsPolicy {

    private static final String LEVEL = "postillion.delivery.tls.level";
    private static final String POLICY = "postillion.delivery.tls.policy";

    private final TlsLevel level;
    private final DomainMap<TlsLevel> policy;

    private TlsPolicy(TlsLevel level, DomainMap<TlsLevel> policy) {
        this.level = level;
        this.policy = policy;
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key of a level that is not one
     */
    public static TlsPolicy from(Config config) {
        DomainMap<TlsLevel> policy = DomainMap.from(config, POLICY, "a TLS level such as \"encrypt\"", TlsLevel::parse);
        try {
            return new TlsPolicy(TlsLevel.parse(config.getString(LEVEL)), policy);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(config.getValue(LEVEL).origin(), LEVEL, e.getMessage());
        }
    }

    public TlsLevel level(NextHop nextHop) {
        return policy.find(nextHop.host()).orElse(level);
    }
}
