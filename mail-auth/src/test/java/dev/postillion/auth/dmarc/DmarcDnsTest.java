package dev.postillion.auth.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.auth.TxtLookup;
import dev.postillion.auth.NameServiceTxtLookup;
import dev.postillion.auth.TxtLookup.Answer;
import dev.postillion.auth.TxtLookup.Failed;
import dev.postillion.auth.TxtLookup.Found;
import dev.postillion.auth.TxtLookup.NotFound;
import dev.postillion.auth.dmarc.DmarcVerdict.Result;
import dev.postillion.auth.spf.SpfResult;
import dev.postillion.auth.spf.SpfVerdict;
import dev.postillion.core.dns.DnsSettings;
import dev.postillion.core.dns.NameService;
import dev.postillion.core.testing.TestDnsServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DMARC records from a real DNS server on loopback, through the node's {@link NameService}. */
class DmarcDnsTest {

    private static final SpfVerdict SPF_FAIL =
            new SpfVerdict(SpfResult.FAIL, SpfVerdict.Identity.MAILFROM, "example.com", "test", "");

    private TestDnsServer server;
    private NameServiceTxtLookup dns;

    @BeforeEach
    void start() throws Exception {
        server = TestDnsServer.start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        dns = new NameServiceTxtLookup(new NameService(new DnsSettings(List.of(address), Duration.ofSeconds(1), 1)));
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
        assertEquals(new Found(List.of("v=DMARC1; p=reject")), ask("_dmarc.example.com"));
        assertEquals(new NotFound("no TXT record at _dmarc.example.org"), ask("_dmarc.example.org"));
        assertEquals(new NotFound("_dmarc.nothing.example does not exist"), ask("_dmarc.nothing.example"));
        assertEquals(Failed.class, ask("_dmarc.example.net").getClass());
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

    private Answer ask(String name) throws Exception {
        return dns.txt(name).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
