package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dkim.DkimResult.Status;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.testing.TestDnsServer;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Key records from a real DNS server on loopback, through dnsjava (RFC 6376 section 3.6.2). */
class DkimDnsTest {

    private static final KeyPair RSA = DkimVerifierTest.generate("RSA", 2048);
    private static final String MESSAGE = "From: joe@example.com\r\nSubject: hi\r\n\r\nHello.\r\n";

    private TestDnsServer dns;
    private DnsjavaNameService lookup;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        lookup = dns.nameService(Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    /** RFC 6376 section 3.6.2.2: a record of several strings is their concatenation. */
    @Test
    void recordStringsAreJoined() throws Exception {
        dns.txt("sel._domainkey.example.com", "v=DKIM1; k=rsa; ", "p=abc", "def");
        DnsAnswer answer = ask("sel._domainkey.example.com");
        assertEquals(List.of("v=DKIM1; k=rsa; p=abcdef"), answer.texts());
    }

    @Test
    void missingNameIsNotFound() throws Exception {
        dns.txt("other._domainkey.example.com", "v=DKIM1; p=");
        assertTrue(ask("sel._domainkey.example.com").absent());
        dns.a("sel._domainkey.example.org", "192.0.2.1");
        assertTrue(ask("sel._domainkey.example.org").absent(), "NODATA");
        assertEquals("sel._domainkey.example.com does not exist", ask("sel._domainkey.example.com").detail());
        assertEquals("no TXT record at sel._domainkey.example.org", ask("sel._domainkey.example.org").detail());
        assertEquals("not a domain name: sel..example.com", ask("sel..example.com").detail());
    }

    @Test
    void serverFailureAndTimeoutFailForNow() throws Exception {
        dns.servfail("broken._domainkey.example.com");
        dns.timeout("slow._domainkey.example.com");
        assertEquals(DnsAnswer.Outcome.FAILED, ask("broken._domainkey.example.com").outcome());
        assertEquals(DnsAnswer.Outcome.FAILED, ask("slow._domainkey.example.com").outcome());
    }

    @Test
    void signatureVerifiesWithKeyFromDns() throws Exception {
        String record = DkimVerifierTest.rsaRecord(RSA);
        dns.txt("big._domainkey.example.com", record.substring(0, 200), record.substring(200));
        dns.timeout("slow._domainkey.example.com");
        byte[] signed = new DkimTestSigner(RSA.getPrivate()).selector("big").headers(List.of("From", "Subject"))
                .sign(DkimVerifierTest.bytes(MESSAGE));
        byte[] twice = new DkimTestSigner(RSA.getPrivate()).selector("slow").headers(List.of("From")).sign(signed);
        DkimVerifier verifier = new DkimVerifier(lookup, DkimSettings.DEFAULTS, Clock.systemUTC(),
                ForkJoinPool.commonPool());
        List<DkimResult> results = verifier.verify(twice).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Reason.DNS_FAILURE, results.get(0).reason(), results::toString);
        assertEquals(Status.TEMPERROR, results.get(0).status());
        assertEquals(Status.PASS, results.get(1).status(), results::toString);
        assertEquals(2048, results.get(1).keyBits());
    }

    private DnsAnswer ask(String name) throws Exception {
        return lookup.query(name, Type.TXT).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
