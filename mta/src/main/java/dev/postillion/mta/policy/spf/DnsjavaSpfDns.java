package dev.postillion.mta.policy.spf;

import dev.postillion.queue.routing.DnsSettings;
import java.net.InetAddress;
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
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * {@link SpfDns} over dnsjava's asynchronous {@link LookupSession}: the questions run on dnsjava's
 * I/O thread, never on the caller's, and the session's cache honours each record's TTL and negative
 * answers for the SOA minimum (RFC 2308 section 5). The servers, the timeout of one question and the
 * attempts per server are the {@code postillion.dns} settings that delivery uses.
 *
 * <p>Only DNS is asked, never /etc/hosts, and names are absolute: no search domain is appended.
 */
public final class DnsjavaSpfDns implements SpfDns {

    private final LookupSession session;
    private final Duration timeout;

    public DnsjavaSpfDns(DnsSettings settings) {
        this.session = LookupSession.builder().resolver(resolver(settings)).cache(new Cache(DClass.IN)).build();
        this.timeout = settings.timeout();
    }

    /**
     * The configured servers, else the system's; the timeout bounds the whole question, each try
     * getting an equal share, so that every server is asked {@code attempts} times.
     */
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

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return query(name, Type.TXT, record -> joined((TXTRecord) record));
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> a(String name) {
        return query(name, Type.A, record -> ((ARecord) record).getAddress());
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> aaaa(String name) {
        return query(name, Type.AAAA, record -> ((AAAARecord) record).getAddress());
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return query(name, Type.MX, record -> text(((MXRecord) record).getTarget()));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(String name) {
        return query(name, Type.PTR, record -> text(((PTRRecord) record).getTarget()));
    }

    /**
     * One question. dnsjava reports NXDOMAIN and cached NODATA as exceptions; they are answers here.
     * Its own timeouts are checked only when its selector has been idle for a second, which a busy
     * node may never be: the deadline is enforced here as well.
     */
    private <T> CompletionStage<DnsAnswer<T>> query(String name, int type, Function<Record, T> data) {
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            // a name that cannot be written in DNS cannot exist there either
            return CompletableFuture.completedFuture(DnsAnswer.noSuchDomain());
        }
        return session.lookupAsync(absolute, type)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> failure == null
                        ? DnsAnswer.of(result.getRecords().stream()
                                .filter(record -> record.getType() == type)
                                .map(data)
                                .toList())
                        : failed(failure));
    }

    private static <T> DnsAnswer<T> failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof NoSuchDomainException) {
            return DnsAnswer.noSuchDomain();
        }
        if (cause instanceof NoSuchRRSetException) {
            return DnsAnswer.noData();
        }
        if (cause instanceof ServerFailedException) {
            return DnsAnswer.failure("server failure");
        }
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            return DnsAnswer.failure("timed out");
        }
        return DnsAnswer.failure(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** A TXT record's strings joined (RFC 7208 section 3.3), one char per octet. */
    private static String joined(TXTRecord record) {
        StringBuilder text = new StringBuilder();
        for (byte[] string : record.getStringsAsByteArrays()) {
            text.append(new String(string, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static String text(Name name) {
        return name.equals(Name.root) ? "" : name.toString(true);
    }
}
