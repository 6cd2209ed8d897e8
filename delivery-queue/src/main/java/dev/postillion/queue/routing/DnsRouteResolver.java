package dev.postillion.queue.routing;

import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.dns.DnssecSettings;
import dev.postillion.core.dns.DnssecValidation;
import dev.postillion.core.dns.IpLiteral;
import dev.postillion.core.dns.SecureNameService;
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
import org.xbill.DNS.TLSARecord;
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
 *   <li>DNS fails for now (SERVFAIL, timeout, network, a bogus DNSSEC answer): deferred, 4.4.3.
 * </ul>
 *
 * <p>With DNSSEC on ({@code postillion.dns.dnssec.trust-anchors}), the MX records are asked through
 * the validating {@link SecureNameService}, and when they are secure, each MX host's TLSA records
 * too (RFC 7672 section 2.2), so that the TLS client can apply DANE. Addresses always come from
 * the caching {@link DnsjavaNameService}: an insecure domain, nearly all of them, costs one validated
 * question, the MX one. Validated answers are kept for their TTL by {@link SecureNameService}, so
 * a domain routed again within it asks nothing. The TLSA records of every MX host are asked with
 * its addresses, before the route is returned, not only of the host about to be tried: a cached
 * answer makes that cheap, and the route stays a plain value.
 *
 * <p>DNS servers that do not pass DNSSEC records on would make every validated answer bogus; while
 * {@link DnssecValidation} finds them so, MX records are asked without validation, as with DNSSEC
 * off except that DANE is reported unavailable, not off.
 */
public final class DnsRouteResolver implements RouteResolver {

    private final DnsjavaNameService dns;
    /** Empty when DNSSEC is off. */
    private final Optional<SecureNameService> secureDns;
    private final Optional<DnssecValidation> validation;

    /** @param dns the node's one name service, shared with the checks of mail coming in */
    public DnsRouteResolver(DnsjavaNameService dns, DnssecSettings dnssec) {
        this.dns = dns;
        this.secureDns = dnssec.enabled() ? Optional.of(new SecureNameService(dns.settings(), dnssec, dns.lookups())) : Optional.empty();
        this.validation = secureDns.map(DnssecValidation::new);
    }

    /** What DNSSEC does for routing now, for the health check and the metrics. */
    public DnssecValidation.State dnssec() {
        return validation.map(DnssecValidation::state).orElse(DnssecValidation.State.OFF);
    }

    @Override
    public CompletionStage<Route> resolve(NextHop nextHop) {
        // A next hop written as an IP address has no MX records: DNS would only say NXDOMAIN for
        // the name "192.0.2.1." and so return the mail, where the intent is plain.
        if (nextHop.mxLookup() && IpLiteral.parse(nextHop.host()).isEmpty()) {
            return mxRecords(nextHop.host()).thenCompose(mx -> viaMx(mx.answer(), mx.secure(), nextHop.port()));
        }
        // A configured host is not checked with DANE: its name is our own configuration's, not DNS's.
        return addresses(nextHop.host(), CompletableFuture.completedFuture(Tlsa.OFF)).thenApply(host ->
                route(List.of(host), nextHop.port(), reason -> new Route.Unresolved("4.4.4", reason)));
    }

    private CompletionStage<SecureNameService.SecureAnswer> mxRecords(String domain) {
        if (validation.isEmpty()) {
            return insecureMxRecords(domain);
        }
        return validation.get().validating().thenCompose(validating -> validating
                ? secureDns.get().query(domain, Type.MX).thenApply(mx -> {
                    if (mx.answer().outcome() == DnsAnswer.Outcome.FAILED) {
                        validation.get().questionFailed();
                    }
                    return mx;
                })
                : insecureMxRecords(domain));
    }

    private CompletionStage<SecureNameService.SecureAnswer> insecureMxRecords(String domain) {
        return dns.query(domain, Type.MX).thenApply(mx -> new SecureNameService.SecureAnswer(mx, false));
    }

    /** @param secure whether DNSSEC proved the MX answer, records or their absence */
    private CompletionStage<Route> viaMx(DnsAnswer mx, boolean secure, int port) {
        return switch (mx.outcome()) {
            case NO_SUCH_DOMAIN -> CompletableFuture.completedFuture(new Route.Unroutable("5.1.2", mx.error()));
            case FAILED -> CompletableFuture.completedFuture(new Route.Unresolved("4.4.3", mx.error()));
            // RFC 5321 section 5.1: without MX records, the domain is its own mail host.
            // RFC 7672 section 2.2.2: its TLSA records are then the domain's own.
            case NO_DATA -> host(mx.name(), port, secure).thenApply(domain ->
                    route(List.of(domain), port, reason -> new Route.Unroutable("5.1.2", reason)));
            case RECORDS -> mxHosts(mx, secure, port);
        };
    }

    private CompletionStage<Route> mxHosts(DnsAnswer mx, boolean secure, int port) {
        List<MXRecord> records = mx.records().stream().map(MXRecord.class::cast).toList();
        // RFC 7505 section 3 defines the null MX as the domain's only MX record, preference 0,
        // exchange "."; any MX set of "." alone says as plainly that no host takes mail.
        if (records.stream().allMatch(record -> record.getTarget().equals(Name.root))) {
            return CompletableFuture.completedFuture(
                    new Route.Unroutable("5.1.10", "Domain " + mx.name() + " does not accept mail (null MX)"));
        }
        List<CompletableFuture<HostAddresses>> lookups = preferenceOrder(records).stream()
                .map(host -> host(host, port, secure).toCompletableFuture())
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

    /** A mail host's addresses and TLSA records, looked up at the same time. */
    private CompletionStage<HostAddresses> host(String host, int port, boolean secureName) {
        return addresses(host, tlsa(host, port, secureName).toCompletableFuture());
    }

    /**
     * A host's addresses. An IP address is taken as it is, also as an MX exchange: RFC 5321
     * section 5.1 wants a name there, but the domain's intent is plain.
     */
    private CompletionStage<HostAddresses> addresses(String host, CompletableFuture<Tlsa> tlsa) {
        Optional<InetAddress> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(HostAddresses.literal(host, literal.get()));
        }
        CompletableFuture<DnsAnswer> a = dns.query(host, Type.A).toCompletableFuture();
        CompletableFuture<DnsAnswer> aaaa = dns.query(host, Type.AAAA).toCompletableFuture();
        return CompletableFuture.allOf(a, aaaa, tlsa)
                .thenApply(done -> HostAddresses.of(host, a.join(), aaaa.join(), tlsa.join()));
    }

    /**
     * The TLSA records of a host that SMTP reaches on {@code port} (RFC 6698 section 3:
     * {@code _25._tcp.mx.example.com.}), asked only when the host's name came securely.
     */
    private CompletionStage<Tlsa> tlsa(String host, int port, boolean secureName) {
        if (secureDns.isEmpty()) {
            return CompletableFuture.completedFuture(Tlsa.OFF);
        }
        if (!secureName || IpLiteral.parse(host).isPresent()) {
            return CompletableFuture.completedFuture(Tlsa.INSECURE);
        }
        return secureDns.get().query("_" + port + "._tcp." + host, Type.TLSA).thenApply(tlsa -> {
            DnsAnswer answer = tlsa.answer();
            if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
                return new Tlsa.Failed(answer.error());
            }
            if (!tlsa.secure()) {
                return Tlsa.INSECURE;
            }
            return answer.absent() ? Tlsa.DENIED : new Tlsa.Found(answer.records().stream().map(TLSARecord.class::cast).toList());
        });
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
