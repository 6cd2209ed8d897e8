package dev.postillion.mta.policy.dkim;

import dev.postillion.queue.routing.DnsSettings;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * Key records from DNS, through dnsjava's asynchronous {@link LookupSession}: CNAMEs followed,
 * answers cached for their TTL (negative ones for the SOA minimum, RFC 2308 section 5). Uses the
 * {@code postillion.dns} servers, timeout and attempts, as delivery does.
 */
public final class DnsDkimKeyLookup implements DkimKeyLookup {

    private final LookupSession session;
    private final Duration timeout;

    public DnsDkimKeyLookup(DnsSettings settings) {
        this.session = LookupSession.builder().resolver(resolver(settings)).cache(new Cache(DClass.IN)).build();
        this.timeout = settings.timeout();
    }

    @Override
    public CompletionStage<Answer> txt(String name) {
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new NotFound("not a domain name: " + name));
        }
        // dnsjava checks its timeouts only when its selector has been idle a while: enforced here too
        return session.lookupAsync(absolute, Type.TXT)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> failure == null ? found(name, result) : failed(name, failure));
    }

    /** Every server asked {@code attempts} times within {@code timeout} in all, as resolv.conf does. */
    private static Resolver resolver(DnsSettings settings) {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : settings.servers();
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

    /** A fresh NODATA answer comes as an empty result; from the cache, as an exception. */
    private static Answer found(String name, LookupResult result) {
        List<String> records = result.getRecords().stream()
                .filter(record -> record.getType() == Type.TXT)
                .map(DnsDkimKeyLookup::joined)
                .toList();
        return records.isEmpty() ? new NotFound("no TXT record at " + name) : new Found(records);
    }

    /** The record's strings joined, their octets kept as chars (RFC 6376 section 3.6.2.2). */
    private static String joined(Record record) {
        StringBuilder text = new StringBuilder();
        for (byte[] string : ((TXTRecord) record).getStringsAsByteArrays()) {
            text.append(new String(string, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static Answer failed(String name, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof NoSuchDomainException) {
            return new NotFound(name + " does not exist");
        }
        if (cause instanceof NoSuchRRSetException) {
            return new NotFound("no TXT record at " + name);
        }
        return new Failed("DNS lookup of " + name + " failed: " + describe(cause));
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ServerFailedException) {
            return "server failure";
        }
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            return "timed out";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
