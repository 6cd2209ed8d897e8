package dev.postillion.queue.routing;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Routes next hops with DNS, as RFC 5321 section 5.1 and Postfix's smtp(8) do. Fully
 * asynchronous: {@link #resolve} returns at once, and the questions it asks run on dnsjava's I/O
 * thread and the common pool.
 *
 * <p>A mail domain ({@code mxLookup}) is looked up by its MX records, its hosts tried lowest
 * preference first; a domain without MX records is its own mail host (the implicit MX). A host
 * given as such ({@code [host]}) is looked up by its addresses only, and an IP address is taken as
 * it is. What DNS says decides what becomes of the recipients:
 *
 * <ul>
 *   <li>the domain does not exist (NXDOMAIN): returned, 5.1.2, since no retry will create it;
 *   <li>the domain publishes a null MX (RFC 7505): returned, 5.1.10;
 *   <li>the domain has no MX and no address: returned, 5.1.2;
 *   <li>none of the domain's MX hosts exists or has an address: returned, 5.4.4 (Postfix's code);
 *   <li>a configured host ({@code [host]}) has no address: deferred, 4.4.4, since that is a
 *       mistake in our configuration for the operator to fix, and our faults are never 5xx;
 *   <li>DNS fails for now (SERVFAIL, timeout, network): deferred, 4.4.3.
 * </ul>
 */
public final class DnsRouteResolver implements RouteResolver {

    private final NameService dns;

    public DnsRouteResolver(DnsSettings settings) {
        this.dns = new NameService(settings);
    }

    @Override
    public CompletionStage<Route> resolve(NextHop nextHop) {
        // A next hop written as an IP address has no MX records: DNS would only say NXDOMAIN for
        // the name "192.0.2.1." and so return the mail, where the intent is plain.
        if (nextHop.mxLookup() && IpLiteral.parse(nextHop.host()).isEmpty()) {
            return dns.query(nextHop.host(), Type.MX).thenCompose(mx -> viaMx(mx, nextHop.port()));
        }
        return addresses(nextHop.host()).thenApply(host ->
                route(List.of(host), nextHop.port(), reason -> new Route.Unresolved("4.4.4", reason)));
    }

    private CompletionStage<Route> viaMx(DnsAnswer mx, int port) {
        return switch (mx.outcome()) {
            case NO_SUCH_DOMAIN -> CompletableFuture.completedFuture(new Route.Unroutable("5.1.2", mx.error()));
            case FAILED -> CompletableFuture.completedFuture(new Route.Unresolved("4.4.3", mx.error()));
            // RFC 5321 section 5.1: without MX records, the domain is its own mail host.
            case NO_DATA -> addresses(mx.name()).thenApply(domain ->
                    route(List.of(domain), port, reason -> new Route.Unroutable("5.1.2", reason)));
            case RECORDS -> mxHosts(mx, port);
        };
    }

    private CompletionStage<Route> mxHosts(DnsAnswer mx, int port) {
        List<MXRecord> records = mx.records().stream().map(MXRecord.class::cast).toList();
        // RFC 7505 section 3 defines the null MX as the domain's only MX record, preference 0,
        // exchange "."; any MX set of "." alone says as plainly that no host takes mail.
        if (records.stream().allMatch(record -> record.getTarget().equals(Name.root))) {
            return CompletableFuture.completedFuture(
                    new Route.Unroutable("5.1.10", "Domain " + mx.name() + " does not accept mail (null MX)"));
        }
        List<CompletableFuture<HostAddresses>> lookups = preferenceOrder(records).stream()
                .map(host -> addresses(host).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture<?>[]::new)).thenApply(done -> route(
                lookups.stream().map(CompletableFuture::join).toList(), port, reason -> new Route.Unroutable("5.4.4", reason)));
    }

    /**
     * The MX hosts in the order to try them (RFC 5321 section 5.1): lowest preference first, hosts
     * of equal preference in random order so that senders spread their load over them. A "."
     * exchange among real hosts breaks RFC 7505 section 3 and is left out; a host named twice
     * keeps its best place.
     */
    private static List<String> preferenceOrder(List<MXRecord> records) {
        List<MXRecord> ordered = new ArrayList<>(records);
        Collections.shuffle(ordered, ThreadLocalRandom.current());
        ordered.sort(Comparator.comparingInt(MXRecord::getPriority)); // stable: keeps the shuffle among equals
        return ordered.stream()
                .map(MXRecord::getTarget)
                .filter(target -> !target.equals(Name.root))
                .distinct()
                .map(target -> target.toString(true))
                .toList();
    }

    /**
     * A host's addresses. An IP address is taken as it is, also as an MX exchange: RFC 5321
     * section 5.1 wants a name there, but the domain's intent is plain.
     */
    private CompletionStage<HostAddresses> addresses(String host) {
        Optional<InetAddress> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(HostAddresses.literal(host, literal.get()));
        }
        CompletableFuture<DnsAnswer> a = dns.query(host, Type.A).toCompletableFuture();
        CompletableFuture<DnsAnswer> aaaa = dns.query(host, Type.AAAA).toCompletableFuture();
        return a.thenCombine(aaaa, (v4, v6) -> HostAddresses.of(host, v4, v6));
    }

    /**
     * The hosts that have addresses, in order, skipping those that have none. With none left: the
     * route {@code absent} makes of the reason when DNS says for good that no host has an address,
     * else deferred, since a retry may find one.
     */
    private static Route route(List<HostAddresses> hosts, int port, Function<String, Route> absent) {
        List<MailHost> usable = hosts.stream().filter(HostAddresses::found).map(host -> host.mailHost(port)).toList();
        if (!usable.isEmpty()) {
            return new Route.Hosts(usable);
        }
        Optional<HostAddresses> failed = hosts.stream().filter(host -> !host.absent()).findFirst();
        if (failed.isEmpty()) {
            return absent.apply(hosts.get(0).problem().error());
        }
        return new Route.Unresolved("4.4.3", failed.get().problem().error());
    }
}
