package dev.postillion.auth.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.auth.dmarc.DmarcVerdict.Result;
import dev.postillion.auth.spf.SpfResult;
import dev.postillion.auth.spf.SpfVerdict;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.testing.TestDnsServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** DMARC records from a real DNS server on loopback, through the node's {@link DnsjavaNameService}. */
class DmarcDnsTest {

    private static final SpfVerdict SPF_FAIL =
            new SpfVerdict(SpfResult.FAIL, SpfVerdict.Identity.MAILFROM, "example.com", "test", "");

    private TestDnsServer server;
    private DnsjavaNameService dns;

    @BeforeEach
    void start() throws Exception {
        server = TestDnsServer.start();
        dns = server.nameService(Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersAreClassified() throws Exception {
        server.txt("_dmarc.example.com", "v=DMARC1; ", "p=reject");
        server.a("_dmarc.example.org", "192.0.2.1");
        server.servfail("_dmarc.example.net");
        assertEquals(List.of("v=DMARC1; p=reject"), ask("_dmarc.example.com").texts());
        assertEquals("no TXT record at _dmarc.example.org", ask("_dmarc.example.org").detail());
        assertEquals("_dmarc.nothing.example does not exist", ask("_dmarc.nothing.example").detail());
        assertEquals(DnsAnswer.Outcome.FAILED, ask("_dmarc.example.net").outcome());
    }

    @Test
    void evaluationFallsBackToTheOrganizationalDomainOverDns() throws Exception {
        server.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
        server.servfail("_dmarc.broken.example");
        DmarcEvaluator evaluator = new DmarcEvaluator(dns);
        DmarcVerdict verdict = evaluator.evaluate("mail.example.co.uk", SPF_FAIL, List.of())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(DmarcPolicy.QUARANTINE, verdict.disposition());
        DmarcVerdict failed = evaluator.evaluate("broken.example", SPF_FAIL, List.of())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Result.TEMPERROR, failed.result());
    }

    private DnsAnswer ask(String name) throws Exception {
        return dns.query(name, Type.TXT).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
