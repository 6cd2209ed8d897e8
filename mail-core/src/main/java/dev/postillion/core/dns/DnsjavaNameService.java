package dev.postillion.core.dns;

import dev.postillion.core.DomainName;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.lookup.LookupSession;

/**
 * DNS as Postillion asks it, for routing mail out and for SPF and DKIM on the way in: one question
 * at a time, asynchronously, through dnsjava's {@link LookupSession}, which follows CNAME chains and
 * keeps a cache that honours each record's TTL and negative answers for the SOA's minimum (RFC 2308
 * section 5). The questions run on dnsjava's I/O thread, never on the caller's. Every question gets
 * a {@link DnsAnswer}, never an exception.
 *
 * <p>The servers, the timeout of one question and the attempts per server are the
 * {@code postillion.dns} settings. Only DNS is asked, never /etc/hosts, as Postfix's smtp(8) does
 * by default: mail routing and sender policies are what the world publishes. Names are taken as
 * absolute, so no search domain is ever appended.
 */
public final class DnsjavaNameService implements NameService {

    private final LookupSession session;
    private final DnsSettings settings;
    private final DnsLookups lookups;

    public DnsjavaNameService(DnsSettings settings, DnsLookups lookups) {
        this.session = LookupSession.builder().resolver(resolver(settings)).cache(new Cache(DClass.IN)).build();
        this.settings = settings;
        this.lookups = lookups;
    }

    /** The servers asked, for the validating {@link SecureNameService} to ask the same ones. */
    public DnsSettings settings() {
        return settings;
    }

    /** Where the questions are counted, for the validating {@link SecureNameService} to count its own. */
    public DnsLookups lookups() {
        return lookups;
    }

    /** The configured servers, each asked in turn, as both name services ask them. */
    static ExtendedResolver resolver(DnsSettings settings) {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : settings.servers();
        // The timeout bounds the whole question; each try gets its share, so that every server
        // is asked `attempts` times before the question fails (as resolv.conf's timeout and
        // attempts, with the total given instead of the share).
        Duration perTry = settings.timeout().dividedBy((long) Math.max(1, servers.size()) * settings.attempts());
        List<Resolver> resolvers = servers.stream().<Resolver>map(server -> {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(perTry);
            return resolver;
        }).toList();
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setTimeout(settings.timeout());
        resolver.setRetries(settings.attempts());
        return resolver;
    }

    @Override
    public CompletionStage<DnsAnswer> query(String name, int type) {
        Optional<Name> absolute = absolute(name);
        if (absolute.isEmpty()) {
            return CompletableFuture.completedFuture(DnsAnswer.malformed(name, type));
        }
        // dnsjava checks its own timeouts only when its selector has been idle for a second, which
        // a busy node may never be: the deadline is enforced here as well.
        return session.lookupAsync(absolute.get(), type)
                .toCompletableFuture()
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> {
                    DnsAnswer answer = failure == null ? DnsAnswer.of(name, type, result.getRecords())
                            : DnsAnswer.failed(name, type, failure);
                    lookups.answered(answer);
                    return answer;
                });
    }

    /**
     * The name as DNS writes it, taken as absolute, labels in Unicode as A-labels (dnsjava would
     * write their chars as Latin-1 octets); empty when it cannot be written in DNS.
     */
    static Optional<Name> absolute(String name) {
        Optional<String> ascii = DomainName.queryName(name);
        if (ascii.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Name.fromString(ascii.get(), Name.root));
        } catch (TextParseException e) {
            return Optional.empty();
        }
    }
}
