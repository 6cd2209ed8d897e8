package dev.postillion.queue.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.core.dns.DnsLookups;
import dev.postillion.core.dns.DnsSettings;
import dev.postillion.core.dns.DnssecSettings;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.testing.SignedZone;
import dev.postillion.core.testing.TestDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class DnsRouteResolverTest {

    private static final String NOT_FOUND = "Host not found";
    private static final String NO_DATA = "Host found but no data record of requested type";
    private static final String SERVER_FAILURE = "Host not found, try again (server failure)";

    private TestDnsServer dns;
    private DnsRouteResolver resolver;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        resolver = resolverWithTimeout("2s");
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void mxHostsComeLowestPreferenceFirstWithTheNextHopsPort() throws Exception {
        dns.mx("example.com", 20, "mx2.example.com").mx("example.com", 10, "mx1.example.com").mx("example.com", 30, "mx3.example.net")
                .a("mx1.example.com", "192.0.2.1").a("mx2.example.com", "192.0.2.2").a("mx3.example.net", "198.51.100.3");
        assertEquals(new Route.Hosts(List.of(
                        new MailHost("mx1.example.com", addresses("192.0.2.1"), 25, Tlsa.OFF),
                        new MailHost("mx2.example.com", addresses("192.0.2.2"), 25, Tlsa.OFF),
                        new MailHost("mx3.example.net", addresses("198.51.100.3"), 25, Tlsa.OFF))), route("example.com"));
    }

    @Test
    void hostsOfEqualPreferenceComeInRandomOrder() throws Exception {
        for (String host : List.of("a.example.com", "b.example.com", "c.example.com", "backup.example.com")) {
            dns.mx("example.com", host.startsWith("backup") ? 20 : 10, host).a(host, "192.0.2.1");
        }
        Set<String> seenFirst = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<String> order = names(route("example.com"));
            assertEquals(4, order.size());
            assertEquals("backup.example.com", order.get(3));
            seenFirst.add(order.get(0));
        }
        assertEquals(Set.of("a.example.com", "b.example.com", "c.example.com"), seenFirst);
    }

    @Test
    void ipv4AddressesComeBeforeIpv6() throws Exception {
        dns.mx("example.com", 10, "mx.example.com")
                .aaaa("mx.example.com", "2001:db8::1").a("mx.example.com", "192.0.2.1")
                .aaaa("mx.example.com", "2001:db8::2").a("mx.example.com", "192.0.2.2");
        assertEquals(addresses("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"), onlyHost(route("example.com")).addresses());
    }

    @Test
    void domainWithoutMxIsItsOwnMailHost() throws Exception {
        dns.a("example.com", "192.0.2.1").aaaa("example.com", "2001:db8::1");
        assertEquals(new Route.Hosts(List.of(new MailHost("example.com", addresses("192.0.2.1", "2001:db8::1"), 2525, Tlsa.OFF))),
                resolve("example.com", 2525, true));
    }

    @Test
    void domainWithNeitherMxNorAddressIsUnroutable() throws Exception {
        dns.txt("example.com", "v=spf1 -all");
        assertEquals(new Route.Unroutable("5.1.2", error("example.com", "A", NO_DATA)), route("example.com"));
    }

    @Test
    void nullMxIsUnroutable() throws Exception {
        dns.nullMx("example.com").a("example.com", "192.0.2.1");
        assertEquals(new Route.Unroutable("5.1.10", "Domain example.com does not accept mail (null MX)"), route("example.com"));
        assertEquals(0, dns.queries("example.com", Type.A));
    }

    @Test
    void nullMxAmongRealHostsIsLeftOut() throws Exception {
        dns.nullMx("example.com").mx("example.com", 10, "mx.example.com").a("mx.example.com", "192.0.2.1");
        assertEquals(List.of("mx.example.com"), names(route("example.com")));
    }

    @Test
    void domainThatDoesNotExistIsUnroutable() throws Exception {
        dns.a("mx.example.com", "192.0.2.1");
        assertEquals(new Route.Unroutable("5.1.2", error("nowhere.example", "MX", NOT_FOUND)), route("nowhere.example"));
    }

    @Test
    void serverFailureDefers() throws Exception {
        dns.mx("example.com", 10, "mx.example.com").servfail("example.com");
        assertEquals(new Route.Unresolved("4.4.3", error("example.com", "MX", SERVER_FAILURE)), route("example.com"));
    }

    @Test
    void timeoutDefersWithoutBlockingTheCaller() throws Exception {
        resolver = resolverWithTimeout("300ms");
        dns.timeout("example.com");
        CompletionStage<Route> route = resolver.resolve(new NextHop("example.com", 25, true));
        assertFalse(route.toCompletableFuture().isDone());
        assertEquals(new Route.Unresolved("4.4.3", error("example.com", "MX", "Host not found, try again (timed out)")),
                route.toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void mxHostWithoutAddressIsSkipped() throws Exception {
        dns.mx("example.com", 10, "gone.example.com").mx("example.com", 20, "noaddress.example.com").mx("example.com", 30, "mx.example.com")
                .txt("noaddress.example.com", "no A, no AAAA").a("mx.example.com", "192.0.2.1");
        assertEquals(List.of("mx.example.com"), names(route("example.com")));
    }

    @Test
    void mxHostsThatAllDoNotExistMakeTheDomainUnroutable() throws Exception {
        dns.mx("example.com", 10, "gone1.example.com").mx("example.com", 20, "gone2.example.com");
        assertEquals(new Route.Unroutable("5.4.4", error("gone1.example.com", "A", NOT_FOUND)), route("example.com"));
    }

    @Test
    void mxHostFailingForNowDefersWhenNoOtherHasAnAddress() throws Exception {
        dns.mx("example.com", 10, "gone.example.com").mx("example.com", 20, "broken.example.com").servfail("broken.example.com");
        assertEquals(new Route.Unresolved("4.4.3", error("broken.example.com", "A", SERVER_FAILURE)), route("example.com"));
    }

    @Test
    void mxHostFailingForNowIsSkippedWhenAnotherHasAnAddress() throws Exception {
        dns.mx("example.com", 10, "broken.example.com").mx("example.com", 20, "mx.example.com").servfail("broken.example.com")
                .a("mx.example.com", "192.0.2.1");
        assertEquals(List.of("mx.example.com"), names(route("example.com")));
    }

    @Test
    void mxExchangeWrittenAsIpAddressIsTakenAsIs() throws Exception {
        dns.mx("example.com", 10, "192.0.2.7").mx("example.com", 20, "mx.example.com").a("mx.example.com", "192.0.2.1");
        assertEquals(new MailHost("192.0.2.7", addresses("192.0.2.7"), 25, Tlsa.OFF), hosts(route("example.com")).get(0));
        assertEquals(0, dns.queries("192.0.2.7", Type.A));
    }

    @Test
    void cnamesAreFollowed() throws Exception {
        dns.cname("example.com", "mail.example.net").mx("mail.example.net", 10, "mx.example.com")
                .cname("mx.example.com", "smtp.example.net").a("smtp.example.net", "192.0.2.1");
        assertEquals(new Route.Hosts(List.of(new MailHost("mx.example.com", addresses("192.0.2.1"), 25, Tlsa.OFF))), route("example.com"));
    }

    @Test
    void literalNextHopAsksNoDns() throws Exception {
        assertEquals(new Route.Hosts(List.of(new MailHost("192.0.2.1", addresses("192.0.2.1"), 2525, Tlsa.OFF))), resolve("192.0.2.1", 2525, false));
        assertEquals(new Route.Hosts(List.of(new MailHost("2001:db8::25", addresses("2001:db8::25"), 25, Tlsa.OFF))), resolve("2001:db8::25", 25, false));
        assertEquals(new Route.Hosts(List.of(new MailHost("192.0.2.1", addresses("192.0.2.1"), 25, Tlsa.OFF))), route("192.0.2.1"));
        assertEquals(0, dns.queries());
    }

    @Test
    void hostNextHopIsLookedUpByAddressNotMx() throws Exception {
        dns.mx("relay.example.net", 10, "elsewhere.example.net").a("relay.example.net", "192.0.2.25");
        assertEquals(new Route.Hosts(List.of(new MailHost("relay.example.net", addresses("192.0.2.25"), 587, Tlsa.OFF))),
                resolve("relay.example.net", 587, false));
        assertEquals(0, dns.queries("relay.example.net", Type.MX));
    }

    @Test
    void hostNextHopThatDoesNotExistDefers() throws Exception {
        assertEquals(new Route.Unresolved("4.4.4", error("relay.example.net", "A", NOT_FOUND)),
                resolve("relay.example.net", 25, false));
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        dns.mx("example.com", 10, "mx.example.com").add(new ARecord(Name.fromString("mx.example.com."), DClass.IN, 1, address("192.0.2.1")));
        route("example.com");
        route("example.com");
        assertEquals(1, dns.queries("example.com", Type.MX));
        assertEquals(1, dns.queries("mx.example.com", Type.A));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            route("example.com");
            return dns.queries("mx.example.com", Type.A) == 2;
        });
        assertEquals(1, dns.queries("example.com", Type.MX));
    }

    @Test
    void negativeAnswersAreCachedButFailuresAreNot() throws Exception {
        dns.servfail("broken.example");
        route("nowhere.example");
        route("nowhere.example");
        route("broken.example");
        route("broken.example");
        assertEquals(1, dns.queries("nowhere.example", Type.MX));
        assertEquals(2, dns.queries("broken.example", Type.MX));
    }

    @Test
    void validatedAnswersAreCachedSoThatASecondRouteAsksNothing() throws Exception {
        signed();
        Route first = route("signed.test");
        int asked = dns.queries();

        assertEquals(first, route("signed.test"));
        assertEquals(asked, dns.queries());
        assertEquals(1, dns.queries("_25._tcp.mx.signed.test", Type.TLSA));
    }

    @Test
    void aBogusMxAnswerDefers() throws Exception {
        signed().forge("signed.test");
        Route route = route("signed.test");

        Route.Unresolved deferred = assertInstanceOf(Route.Unresolved.class, route);
        assertEquals("4.4.3", deferred.dsn());
        assertTrue(deferred.reason().startsWith(
                error("signed.test", "MX", "Host not found, try again (DNSSEC validation failed: ")), deferred.reason());
    }

    /** A signed zone with a mail host, and a resolver that validates with its key as trust anchor. */
    private SignedZone signed() {
        SignedZone zone = dns.sign("signed.test");
        dns.mx("signed.test", 10, "mx.signed.test").a("mx.signed.test", "192.0.2.1");
        resolver = new DnsRouteResolver(dns.nameService(Duration.ofSeconds(2)),
                new DnssecSettings(List.of(zone.trustAnchor())));
        return zone;
    }

    @Test
    void answerTooLargeForUdpComesOverTcp() throws Exception {
        dns.mx("example.com", 10, "mx.example.com");
        IntStream.rangeClosed(1, 100).forEach(i -> dns.a("mx.example.com", "10.0.0." + i));
        assertEquals(100, onlyHost(route("example.com")).addresses().size());
    }

    /** Postfix's wording of a lookup that found nothing (dns_lookup(3)). */
    private static String error(String name, String type, String explanation) {
        return "Host or domain name not found. Name service error for name=" + name + " type=" + type + ": " + explanation;
    }

    private DnsRouteResolver resolverWithTimeout(String timeout) {
        Config config = ConfigFactory.parseString("postillion.dns { servers = [\"" + dns.address() + "\"], timeout = "
                        + timeout + ", dnssec.trust-anchors = [] }")
                .withFallback(ConfigFactory.defaultReference());
        return new DnsRouteResolver(new DnsjavaNameService(DnsSettings.from(config), DnsLookups.uncounted()), DnssecSettings.from(config));
    }

    /** The route of mail to {@code domain}: MX lookup, port 25. */
    private Route route(String domain) throws Exception {
        return resolve(domain, 25, true);
    }

    private Route resolve(String host, int port, boolean mxLookup) throws Exception {
        return resolver.resolve(new NextHop(host, port, mxLookup)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<MailHost> hosts(Route route) {
        return assertInstanceOf(Route.Hosts.class, route).hosts();
    }

    private static List<String> names(Route route) {
        return hosts(route).stream().map(MailHost::name).toList();
    }

    private static MailHost onlyHost(Route route) {
        List<MailHost> hosts = hosts(route);
        assertEquals(1, hosts.size(), hosts::toString);
        return hosts.get(0);
    }

    private static List<InetAddress> addresses(String... literals) {
        return Arrays.stream(literals).map(DnsRouteResolverTest::address).toList();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
