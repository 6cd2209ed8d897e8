package dev.postillion.queue.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.TransportSecurity;
import dev.postillion.queue.TransportSecurity.Dane;
import dev.postillion.queue.routing.DnsRouteResolver;
import dev.postillion.core.TlsHandshakes;
import dev.postillion.core.dns.DnssecValidation;
import dev.postillion.core.dns.DnssecSettings;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.core.testing.SignedZone;
import dev.postillion.core.testing.TestDnsServer;
import dev.postillion.queue.testing.TlsIdentity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Outbound TLS end to end: routes from a DNS server with a DNSSEC-signed zone ({@value #SIGNED}),
 * its key the only trust anchor, so that {@value #PLAIN} is an unsigned zone; a remote MX that
 * offers STARTTLS with made-up certificates; the real destination queues, client and resolver.
 */
class DaneTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final EventLoopGroup io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    private static final String SIGNED = "signed.test";
    private static final String SIGNED_MX = "mx.signed.test";
    private static final String PLAIN = "plain.test";
    private static final String PLAIN_MX = "mx.plain.test";
    private static final int DANE_TA = 2;
    private static final int DANE_EE = 3;
    private static final int PKIX_EE = 1;
    private static final int CERT = 0;
    private static final int SPKI = 1;
    private static final int FULL = 0;
    private static final int SHA256 = 1;
    /** A 220 to STARTTLS, then plain text as a man in the middle would insert it before TLS. */
    private static final String INJECTED = "220 go\r\n250-x\r\n250-SIZE 1";
    private static final String TLS_UNAVAILABLE = "454 4.7.0 TLS not available due to local problem";

    private final FakeMx mx = FakeMx.start();
    private final TlsIdentity selfSigned = TlsIdentity.selfSigned(SIGNED_MX);
    private TestDnsServer dns;
    private SignedZone zone;
    private ActorRef<DestinationQueues.Command> destinations;
    private RemoteTransport transport;
    private DnsRouteResolver routes;

    @BeforeEach
    void world() throws IOException {
        dns = TestDnsServer.start();
        zone = dns.sign(SIGNED);
        dns.mx(SIGNED, 10, SIGNED_MX).a(SIGNED_MX, "127.0.0.1")
                .mx(PLAIN, 10, PLAIN_MX).a(PLAIN_MX, "127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close().toCompletableFuture().join();
            testKit.stop(destinations);
        }
        mx.close();
        dns.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    /** Mail for every domain goes to its MX hosts, on the fake MX's port; TLS as {@code tls} says. */
    private void start(String tls) {
        OutboundClient client = new OutboundClient(io, NioSocketChannel.class, "postillion.test", TestMail.smtp(""),
                TestMail.tls(tls), new TlsHandshakes(metrics));
        routes = new DnsRouteResolver(
                dns.nameService(Duration.ofSeconds(5)),
                new DnssecSettings(List.of(zone.trustAnchor())));
        destinations = testKit.spawn(DestinationQueues.create(client, routes, TestMail.destination(""), Clock.systemUTC()));
        transport = new RemoteTransport(destinations, domain -> new NextHop(domain, mx.port(), true), 50);
    }

    private RecipientOutcome deliver(String domain) {
        return transport.deliver(TestMail.request("anna@example.org", "bob@" + domain))
                .toCompletableFuture().join().get(0);
    }

    /** A TLSA record for the fake MX at {@code host}: RFC 6698 section 3, {@code _port._tcp.host}. */
    private void tlsa(String host, int usage, int selector, byte[] data) {
        dns.tlsa(tlsaName(host), usage, selector, SHA256, sha256(data));
    }

    private String tlsaName(String host) {
        return "_" + mx.port() + "._tcp." + host;
    }

    private static byte[] spki(TlsIdentity identity) {
        return identity.certificate().getPublicKey().getEncoded();
    }

    private static byte[] cert(TlsIdentity identity) {
        try {
            return identity.anchor().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TransportSecurity security(RecipientOutcome outcome) {
        return outcome.security().orElseThrow();
    }

    /** Delivered over TLS, as the server saw it, and as the outcome records it. */
    private void assertSentOverTls(RecipientOutcome outcome, Dane dane) {
        assertEquals(Status.SENT, outcome.status(), outcome.detail());
        assertTrue(security(outcome).tls().matches("TLSv1\\.[23]/TLS_\\w+"), security(outcome).tls());
        assertEquals(dane, security(outcome).dane());
        assertEquals(1, mx.transactions().size());
        assertTrue(mx.transactions().get(0).tls());
        assertEquals("Subject: test\r\n\r\nHello\r\n", mx.transactions().get(0).text());
    }

    private void assertDeferred(RecipientOutcome outcome, String dsn, String detail, Dane dane) {
        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals(dsn, outcome.dsn());
        assertEquals(detail, outcome.detail());
        assertEquals(dane, security(outcome).dane());
        assertTrue(mx.transactions().isEmpty());
    }

    @Test
    void daneEeSpkiDigestMatchDeliversOverVerifiedTls() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(selfSigned));
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
        assertTrue(mx.commands().contains("STARTTLS"));
        assertEquals(1.0, metrics.counter("postillion.tls.handshakes", "direction", "outbound", "result", "success")
                .count());
        assertEquals(2, mx.commands().stream().filter(line -> line.startsWith("EHLO")).count()); // RFC 3207 section 4.2
    }

    @Test
    void daneEeFullCertificateDigestMatches() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, CERT, cert(selfSigned));
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
    }

    @Test
    void aCertificateNoTlsaRecordMatchesIsNotTrustedWithTheMail() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(TlsIdentity.selfSigned(SIGNED_MX)));
        start("");

        assertDeferred(deliver(SIGNED), "4.7.5",
                "dane: no TLSA record matches the server certificate of mx.signed.test[127.0.0.1]", Dane.FAILED);
    }

    @Test
    void daneTaMatchesTheIssuerTheServerPresents() {
        TlsIdentity authority = TlsIdentity.authority("Test CA");
        mx.tls(authority.issue(SIGNED_MX, SIGNED_MX));
        tlsa(SIGNED_MX, DANE_TA, CERT, cert(authority));
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
    }

    @Test
    void daneTaNeedsTheServerCertificateToNameTheMxHost() {
        TlsIdentity authority = TlsIdentity.authority("Test CA");
        mx.tls(authority.issue("elsewhere", "mx.elsewhere.test"));
        tlsa(SIGNED_MX, DANE_TA, CERT, cert(authority));
        start("");

        assertDeferred(deliver(SIGNED), "4.7.5",
                "dane: no TLSA record matches the server certificate of mx.signed.test[127.0.0.1]", Dane.FAILED);
    }

    @Test
    void daneTaAcceptsAChainThroughAnIntermediateCa() {
        TlsIdentity authority = TlsIdentity.authority("Test CA");
        mx.tls(authority.intermediate("Test Intermediate CA").issue(SIGNED_MX, SIGNED_MX));
        tlsa(SIGNED_MX, DANE_TA, CERT, cert(authority));
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
    }

    @Test
    void daneTaPublishingTheWholeKeyNeedsNoCaCertificateInTheChain() {
        TlsIdentity authority = TlsIdentity.authority("Test CA");
        mx.tls(authority.issue(SIGNED_MX, SIGNED_MX).withoutAnchor());
        dns.tlsa(tlsaName(SIGNED_MX), DANE_TA, SPKI, FULL, spki(authority)); // RFC 7672 section 3.1.2
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
    }

    @Test
    void daneTaRejectsACertificateSignedByAServerCertificateUnderTheAnchor() {
        TlsIdentity authority = TlsIdentity.authority("Test CA");
        TlsIdentity someoneElsesServer = authority.issue("mx.attacker.test", "mx.attacker.test");
        mx.tls(someoneElsesServer.issue(SIGNED_MX, SIGNED_MX)); // presents [forged, attacker's, CA]
        tlsa(SIGNED_MX, DANE_TA, CERT, cert(authority));
        start("");

        assertDeferred(deliver(SIGNED), "4.7.5",
                "dane: no TLSA record matches the server certificate of mx.signed.test[127.0.0.1]", Dane.FAILED);
    }

    @Test
    void aSecureMxHostWithoutTlsaRecordsGetsOpportunisticTls() {
        mx.tls(selfSigned);
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.NO_TLSA);
    }

    @Test
    void onlyUnusableTlsaRecordsCountAsNone() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, PKIX_EE, SPKI, spki(selfSigned)); // RFC 7672 section 3.1.3
        start("");

        assertSentOverTls(deliver(SIGNED), Dane.UNUSABLE);
    }

    @Test
    void anUnsignedZoneGetsOpportunisticTlsWithAnyCertificate() {
        mx.tls(selfSigned);
        start("");

        assertSentOverTls(deliver(PLAIN), Dane.INSECURE);
    }

    @Test
    void tlsaRecordsAndNoStarttlsDefer() {
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(selfSigned));
        start("");

        assertDeferred(deliver(SIGNED), "4.7.4", "TLS is required, but was not offered by host mx.signed.test[127.0.0.1]",
                Dane.FAILED);
        assertFalse(mx.commands().stream().anyMatch(line -> line.startsWith("MAIL")));
    }

    @Test
    void aBogusTlsaAnswerDefersWithoutConnecting() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(selfSigned));
        zone.forge(tlsaName(SIGNED_MX));
        start("");

        RecipientOutcome outcome = deliver(SIGNED);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.7.5", outcome.dsn());
        assertTrue(outcome.detail().startsWith("dane: TLSA lookup failed: Host or domain name not found. Name service "
                + "error for name=_" + mx.port() + "._tcp.mx.signed.test type=TLSA: Host not found, try again "
                + "(DNSSEC validation failed: "), outcome.detail());
        assertEquals(new TransportSecurity("none", Dane.FAILED), security(outcome));
        assertEquals(0, mx.connections());
    }

    @Test
    void tlsRequiredByPolicyAndNotOfferedDefers() {
        start("policy { \"" + PLAIN + "\" = encrypt }");

        assertDeferred(deliver(PLAIN), "4.7.4", "TLS is required, but was not offered by host mx.plain.test[127.0.0.1]",
                Dane.OFF);
    }

    @Test
    void withoutStarttlsOpportunisticTlsSendsInPlainText() {
        start("");

        RecipientOutcome outcome = deliver(PLAIN);

        assertEquals(Status.SENT, outcome.status());
        assertEquals(new TransportSecurity("none", Dane.INSECURE), security(outcome));
        assertFalse(mx.transactions().get(0).tls());
    }

    @Test
    void aFailedOpportunisticHandshakeIsFollowedByPlainTextAtOnce() {
        mx.brokenTls();
        start("level = may");

        RecipientOutcome outcome = deliver(PLAIN);

        assertEquals(Status.SENT, outcome.status(), outcome.detail());
        assertEquals(new TransportSecurity("none", Dane.OFF), security(outcome));
        assertEquals(2, mx.connections());
        assertFalse(mx.transactions().get(0).tls());
    }

    @Test
    void aFailedHandshakeDefersWhenTlsIsRequired() {
        mx.brokenTls();
        start("level = encrypt");

        RecipientOutcome outcome = deliver(PLAIN);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.7.5", outcome.dsn());
        // Stable words for the report, never the TLS library's text. The bytes that are no TLS
        // come with the 220 or after it, as the network delivers them: either is named.
        assertTrue(List.of("TLS handshake with mx.plain.test[127.0.0.1] failed: handshake failure",
                "TLS handshake with mx.plain.test[127.0.0.1] failed: plain text after the 220 reply to STARTTLS")
                .contains(outcome.detail()), outcome.detail());
        assertEquals(1, mx.connections());
    }

    /** Postfix's line for it, also where the mail then goes in plain text and nothing else tells. */
    @Test
    void aFailedHandshakeIsLoggedForTheOperator() {
        Logger log = (Logger) LoggerFactory.getLogger("postillion.smtp");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        log.setLevel(Level.INFO);
        try {
            mx.brokenTls();
            start("level = may");

            assertEquals(Status.SENT, deliver(PLAIN).status());

            List<ILoggingEvent> logged;
            synchronized (lines) {
                logged = List.copyOf(lines.list);
            }
            assertEquals(1, logged.size(), logged::toString);
            String relay = "mx.plain.test[127.0.0.1]:" + mx.port();
            assertTrue(logged.get(0).getFormattedMessage().startsWith("SSL_connect error to " + relay + ": "),
                    logged.get(0).getFormattedMessage());
            assertEquals(List.of("relay=\"" + relay + "\"", "outcome=\"tls_failed\""),
                    logged.get(0).getKeyValuePairs().stream().map(Object::toString).toList());
        } finally {
            log.detachAppender(lines);
            log.setLevel(null);
        }
    }

    @Test
    void plainTextAfterTheStarttlsReplyIsATlsFailureWhereTlsIsRequired() {
        mx.tls(selfSigned).reply(FakeMx.Command.STARTTLS, INJECTED);
        start("level = encrypt");

        assertDeferred(deliver(PLAIN), "4.7.5", "TLS handshake with mx.plain.test[127.0.0.1] failed: "
                + "plain text after the 220 reply to STARTTLS", Dane.OFF);
        assertEquals(1, mx.connections());
    }

    @Test
    void plainTextAfterTheStarttlsReplyFallsBackToPlainTextWhereTlsIsOpportunistic() {
        mx.tls(selfSigned).reply(FakeMx.Command.STARTTLS, INJECTED);
        start("level = may");

        RecipientOutcome outcome = deliver(PLAIN);

        assertEquals(Status.SENT, outcome.status(), outcome.detail());
        assertEquals(new TransportSecurity("none", Dane.OFF), security(outcome));
        assertEquals(2, mx.connections());
    }

    @Test
    void starttlsRefusedDefersWhereTlsIsRequired() {
        mx.tls(selfSigned).reply(FakeMx.Command.STARTTLS, TLS_UNAVAILABLE);
        start("level = encrypt");

        assertDeferred(deliver(PLAIN), "4.7.0", "host mx.plain.test[127.0.0.1] said: " + TLS_UNAVAILABLE
                + " (in reply to STARTTLS command)", Dane.OFF);
    }

    @Test
    void starttlsRefusedDefersUnderDane() {
        mx.tls(selfSigned).reply(FakeMx.Command.STARTTLS, TLS_UNAVAILABLE);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(selfSigned));
        start("");

        assertDeferred(deliver(SIGNED), "4.7.0", "host mx.signed.test[127.0.0.1] said: " + TLS_UNAVAILABLE
                + " (in reply to STARTTLS command)", Dane.FAILED);
    }

    @Test
    void daneOnlyDeliversOverVerifiedTls() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(selfSigned));
        start("level = dane-only");

        assertSentOverTls(deliver(SIGNED), Dane.VERIFIED);
    }

    @Test
    void daneOnlyDefersAnUnsignedDomainWithoutConnecting() {
        mx.tls(selfSigned);
        start("level = dane-only");

        RecipientOutcome outcome = deliver(PLAIN);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.7.5", outcome.dsn());
        assertEquals("dane-only: no DNSSEC-validated TLSA records", outcome.detail());
        assertEquals(new TransportSecurity("none", Dane.FAILED), security(outcome));
        assertEquals(0, mx.connections());
    }

    @Test
    void daneOnlyDefersASecureHostWithOnlyUnusableRecords() {
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, PKIX_EE, SPKI, spki(selfSigned));
        start("policy { \"" + SIGNED + "\" = dane-only }");

        RecipientOutcome outcome = deliver(SIGNED);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("dane-only: no usable TLSA record", outcome.detail());
        assertEquals(0, mx.connections());
    }

    /**
     * DNS servers that strip DNSSEC records make the trust anchor fail to validate: mail is routed
     * as insecure, DANE unavailable, rather than every destination deferred as bogus.
     */
    @Test
    void serversThatStripDnssecRecordsLeaveMailDeliveredWithoutDane() {
        dns.stripDnssec();
        mx.tls(selfSigned);
        tlsa(SIGNED_MX, DANE_EE, SPKI, spki(TlsIdentity.selfSigned("other.test")));
        start("level = dane");

        assertSentOverTls(deliver(SIGNED), Dane.INSECURE);
        assertEquals(DnssecValidation.State.UNAVAILABLE, routes.dnssec());
    }

    @Test
    void serversThatStripDnssecRecordsStillDeferDaneOnly() {
        dns.stripDnssec();
        mx.tls(selfSigned);
        start("policy { \"" + SIGNED + "\" = dane-only }");

        RecipientOutcome outcome = deliver(SIGNED);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.7.5", outcome.dsn());
        assertEquals("dane-only: no DNSSEC-validated TLSA records", outcome.detail());
        assertEquals(0, mx.connections());
    }

    @Test
    void levelNoneNeverSaysStarttls() {
        mx.tls(selfSigned);
        start("level = none");

        assertEquals(Status.SENT, deliver(PLAIN).status());
        assertFalse(mx.commands().contains("STARTTLS"));
    }
}
