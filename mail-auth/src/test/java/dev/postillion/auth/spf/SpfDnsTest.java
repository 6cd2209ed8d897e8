package dev.postillion.auth.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Type;

/** SPF's questions through the node's name service against a real DNS server on loopback, and a whole check. */
class SpfDnsTest {

    private TestDnsServer server;
    private DnsjavaNameService dns;

    @BeforeEach
    void start() throws Exception {
        server = TestDnsServer.start();
        dns = server.nameService(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void joinsTheStringsOfEachTxtRecord() throws Exception {
        server.txt("example.com", "v=spf1 ip4:192.0.2.0/24", " -all").txt("example.com", "other");
        List<String> records = get(dns.query("example.com", Type.TXT)).texts();
        assertEquals(2, records.size());
        assertEquals(true, records.contains("v=spf1 ip4:192.0.2.0/24 -all"));
        assertEquals(true, records.contains("other"));
    }

    /** The record is "v=spf1 \u00E9all" in UTF-8: the two octets of the \u00E9 are two chars. */
    @Test
    void keepsOctetsOutsideAsciiVisible() throws Exception {
        server.txt("example.com", "v=spf1 \u00E9all");
        assertEquals(List.of("v=spf1 \u00C3\u00A9all"), get(dns.query("example.com", Type.TXT)).texts());
    }

    @Test
    void answersAddresses() throws Exception {
        server.a("mail.example.com", "192.0.2.1").aaaa("mail.example.com", "2001:db8::1");
        assertEquals(List.of(InetAddress.getByName("192.0.2.1")), get(dns.query("mail.example.com", Type.A)).addresses());
        assertEquals(List.of(InetAddress.getByName("2001:db8::1")), get(dns.query("mail.example.com", Type.AAAA)).addresses());
    }

    @Test
    void answersMxAndPtrNamesWithoutTheFinalDot() throws Exception {
        server.mx("example.com", 10, "mx1.example.com").nullMx("null.example.com");
        server.add(new PTRRecord(Name.fromString("1.2.0.192.in-addr.arpa."), DClass.IN, 300,
                Name.fromString("mail.example.com.")));
        assertEquals(List.of("mx1.example.com"), get(dns.query("example.com", Type.MX)).hosts());
        assertEquals(List.of(""), get(dns.query("null.example.com", Type.MX)).hosts());
        assertEquals(List.of("mail.example.com"), get(dns.query("1.2.0.192.in-addr.arpa", Type.PTR)).hosts());
    }

    @Test
    void tellsNxdomainFromNodataFromFailure() throws Exception {
        server.a("exists.example.com", "192.0.2.1").servfail("broken.example.com").timeout("silent.example.com");
        assertEquals(DnsAnswer.Outcome.NO_SUCH_DOMAIN, get(dns.query("nowhere.example.com", Type.TXT)).outcome());
        assertEquals(DnsAnswer.Outcome.NO_DATA, get(dns.query("exists.example.com", Type.TXT)).outcome());
        assertEquals(DnsAnswer.Outcome.FAILED, get(dns.query("broken.example.com", Type.A)).outcome());
        assertEquals(DnsAnswer.Outcome.FAILED, get(dns.query("silent.example.com", Type.A)).outcome());
    }

    @Test
    void checksThroughRealDns() throws Exception {
        server.txt("example.com", "v=spf1 include:_spf.example.net mx -all")
                .txt("_spf.example.net", "v=spf1 a:out.example.net ~all")
                .a("out.example.net", "198.51.100.7")
                .mx("example.com", 10, "mx.example.com")
                .a("mx.example.com", "192.0.2.25");
        SpfChecker checker = new SpfChecker(dns, SpfSettings.DEFAULTS, "mx.test", Clock.systemUTC());
        assertEquals(SpfResult.PASS, verdict(checker, "198.51.100.7", "user@example.com").result());
        assertEquals(SpfResult.PASS, verdict(checker, "192.0.2.25", "user@example.com").result());
        assertEquals(SpfResult.FAIL, verdict(checker, "203.0.113.9", "user@example.com").result());
        server.servfail("broken.example.org").txt("example.org", "v=spf1 a:broken.example.org -all");
        assertEquals(SpfResult.TEMPERROR, verdict(checker, "203.0.113.9", "user@example.org").result());
    }

    private static SpfVerdict verdict(SpfChecker checker, String client, String sender) throws Exception {
        return get(checker.check(InetAddress.getByName(client), "client.example", sender));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
