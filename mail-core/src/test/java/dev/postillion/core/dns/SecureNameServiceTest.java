package dev.postillion.core.dns;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.dns.SecureNameService.SecureAnswer;
import dev.postillion.core.testing.SignedZone;
import dev.postillion.core.testing.TestDnsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** DNSSEC validation against a signed zone of the test DNS server, its key as the trust anchor. */
class SecureNameServiceTest {

    private TestDnsServer dns;
    private SignedZone zone;
    private SecureNameService secure;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        zone = dns.sign("signed.test");
        dns.mx("signed.test", 10, "mx.signed.test").a("mx.signed.test", "192.0.2.1")
                .mx("plain.test", 10, "mx.plain.test");
        secure = new SecureNameService(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", dns.port())),
                Duration.ofSeconds(5), 1), new DnssecSettings(List.of(zone.trustAnchor())), DnsLookups.uncounted());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private SecureAnswer query(String name, int type) {
        return secure.query(name, type).toCompletableFuture().join();
    }

    @Test
    void theAnchorValidatesWhenTheServersPassDnssecRecordsOn() {
        assertEquals(SecureNameService.Anchor.VALIDATES, secure.checkAnchor().toCompletableFuture().join());
        assertEquals("signed.test.", secure.anchorZone());
    }

    @Test
    void theAnchorComesStrippedFromServersThatDropDnssecRecords() {
        dns.stripDnssec();
        assertEquals(SecureNameService.Anchor.STRIPPED, secure.checkAnchor().toCompletableFuture().join());
    }

    /** Signatures that do not verify may be an attack: not taken for servers that strip them. */
    @Test
    void aForgedAnchorFailsButIsNotTakenForStripping() {
        zone.forge("signed.test");
        assertEquals(SecureNameService.Anchor.FAILS, secure.checkAnchor().toCompletableFuture().join());
    }

    /** The default root anchor over servers that serve the root unsigned: the start-up warning's case. */
    @Test
    void theAnchorDoesNotValidateWhenTheServersStripDnssecRecords() {
        SecureNameService unsignedRoot = new SecureNameService(new DnsSettings(
                List.of(new InetSocketAddress("127.0.0.1", dns.port())), Duration.ofSeconds(5), 1),
                new DnssecSettings(List.of(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")),
                DnsLookups.uncounted());
        assertEquals(SecureNameService.Anchor.STRIPPED, unsignedRoot.checkAnchor().toCompletableFuture().join());
        assertEquals(".", unsignedRoot.anchorZone());
    }

    @Test
    void recordsOfASignedZoneAreSecure() {
        SecureAnswer mx = query("signed.test", Type.MX);
        assertEquals(DnsAnswer.Outcome.RECORDS, mx.answer().outcome(), mx.answer().reason());
        assertTrue(mx.secure());
    }

    @Test
    void namesBelowNoTrustAnchorAreInsecure() {
        SecureAnswer mx = query("plain.test", Type.MX);
        assertEquals(DnsAnswer.Outcome.RECORDS, mx.answer().outcome());
        assertFalse(mx.secure());
    }

    @Test
    void aNameThatDoesNotExistIsProvenAbsent() {
        SecureAnswer tlsa = query("_25._tcp.mx.signed.test", Type.TLSA);
        assertEquals(DnsAnswer.Outcome.NO_SUCH_DOMAIN, tlsa.answer().outcome(), tlsa.answer().reason());
        assertTrue(tlsa.secure());
    }

    @Test
    void aTypeANameLacksIsProvenAbsent() {
        SecureAnswer tlsa = query("mx.signed.test", Type.TLSA);
        assertEquals(DnsAnswer.Outcome.NO_DATA, tlsa.answer().outcome(), tlsa.answer().reason());
        assertTrue(tlsa.secure());
    }

    @Test
    void answersAreKeptForTheirTtl() throws TextParseException {
        dns.add(new MXRecord(Name.fromString("brief.signed.test."), DClass.IN, 1, 10,
                Name.fromString("mx.signed.test.")));
        query("brief.signed.test", Type.MX);
        assertTrue(query("brief.signed.test", Type.MX).secure());
        assertEquals(1, dns.queries("brief.signed.test", Type.MX));

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            query("brief.signed.test", Type.MX);
            return dns.queries("brief.signed.test", Type.MX) == 2;
        });
    }

    @Test
    void insecureAnswersAndProvenAbsenceAreKeptToo() {
        query("plain.test", Type.MX);
        query("_25._tcp.mx.signed.test", Type.TLSA);

        assertFalse(query("plain.test", Type.MX).secure());
        assertEquals(DnsAnswer.Outcome.NO_SUCH_DOMAIN, query("_25._tcp.mx.signed.test.", Type.TLSA).answer().outcome());
        assertEquals(1, dns.queries("plain.test", Type.MX));
        assertEquals(1, dns.queries("_25._tcp.mx.signed.test", Type.TLSA));
    }

    @Test
    void bogusAnswersAreNotKept() {
        zone.forge("mx.signed.test");
        query("mx.signed.test", Type.A);

        assertEquals(DnsAnswer.Outcome.FAILED, query("mx.signed.test", Type.A).answer().outcome());
        assertEquals(2, dns.queries("mx.signed.test", Type.A));
    }

    @Test
    void signaturesThatDoNotVerifyMakeTheAnswerFail() {
        zone.forge("mx.signed.test");
        SecureAnswer a = query("mx.signed.test", Type.A);
        assertEquals(DnsAnswer.Outcome.FAILED, a.answer().outcome());
        assertTrue(a.answer().reason().startsWith("DNSSEC validation failed: "), a.answer().reason());
        assertFalse(a.secure());
    }
}
