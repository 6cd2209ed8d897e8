package dev.postillion.queue.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.queue.routing.SecureNameService.SecureAnswer;
import dev.postillion.queue.testing.SignedZone;
import dev.postillion.queue.testing.TestDnsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
                Duration.ofSeconds(5), 1), new DnssecSettings(List.of(zone.trustAnchor())));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private SecureAnswer query(String name, int type) {
        return secure.query(name, type).toCompletableFuture().join();
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
    void signaturesThatDoNotVerifyMakeTheAnswerFail() {
        zone.forge("mx.signed.test");
        SecureAnswer a = query("mx.signed.test", Type.A);
        assertEquals(DnsAnswer.Outcome.FAILED, a.answer().outcome());
        assertTrue(a.answer().reason().startsWith("DNSSEC validation failed: "), a.answer().reason());
        assertFalse(a.secure());
    }
}
