package dev.postillion.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The fake DNS answers as an authoritative server would; other modules' tests rely on it. */
class TestDnsServerTest {

    private TestDnsServer dns;
    private SimpleResolver client;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        client = new SimpleResolver(new InetSocketAddress("127.0.0.1", dns.port()));
        client.setTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void answersRecordsOfTheAskedType() throws IOException {
        dns.mx("example.com", 10, "mx.example.com").a("mx.example.com", "192.0.2.1");
        Message answer = ask("example.com", Type.MX);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertTrue(answer.getHeader().getFlag(Flags.AA));
        assertEquals("mx.example.com.", answer.getSection(Section.ANSWER).get(0).getAdditionalName().toString());
    }

    @Test
    void unknownNameIsNxdomainWithTheSoa() throws IOException {
        dns.a("mx.example.com", "192.0.2.1");
        Message answer = ask("nowhere.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, answer.getRcode());
        assertEquals(Type.SOA, answer.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void nameWithOtherTypesOrNamesBelowIsNodata() throws IOException {
        dns.a("mx.example.com", "192.0.2.1");
        for (String name : List.of("mx.example.com", "example.com")) {
            Message answer = ask(name, Type.MX);
            assertEquals(Rcode.NOERROR, answer.getRcode(), name);
            assertTrue(answer.getSection(Section.ANSWER).isEmpty(), name);
            assertEquals(Type.SOA, answer.getSection(Section.AUTHORITY).get(0).getType(), name);
        }
    }

    @Test
    void cnameChainIsFollowedInTheAnswer() throws IOException {
        dns.cname("www.example.com", "web.example.com").cname("web.example.com", "host.example.net").a("host.example.net", "192.0.2.9");
        List<Record> records = ask("www.example.com", Type.A).getSection(Section.ANSWER);
        assertEquals(List.of(Type.CNAME, Type.CNAME, Type.A), records.stream().map(Record::getType).toList());
    }

    @Test
    void txtRecordKeepsItsStrings() throws IOException {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24", " -all");
        TXTRecord txt = (TXTRecord) ask("example.com", Type.TXT).getSection(Section.ANSWER).get(0);
        assertEquals(List.of("v=spf1 ip4:192.0.2.0/24", " -all"), txt.getStrings());
    }

    @Test
    void servfailNameFails() throws IOException {
        dns.a("broken.example", "192.0.2.1").servfail("broken.example");
        assertEquals(Rcode.SERVFAIL, ask("broken.example", Type.A).getRcode());
    }

    @Test
    void timeoutNameIsNeverAnswered() {
        dns.timeout("slow.example");
        client.setTimeout(Duration.ofMillis(200));
        assertThrows(IOException.class, () -> ask("slow.example", Type.A));
        assertEquals(1, dns.queries("slow.example", Type.A));
    }

    @Test
    void largeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws IOException {
        IntStream.rangeClosed(1, 100).forEach(i -> dns.a("big.example", "10.0.0." + i));
        client.setIgnoreTruncation(true);
        Message udp = ask("big.example", Type.A);
        assertTrue(udp.getHeader().getFlag(Flags.TC));
        client.setTCP(true);
        assertEquals(100, ask("big.example", Type.A).getSection(Section.ANSWER).size());
        assertEquals(2, dns.queries("big.example", Type.A));
    }

    @Test
    void queriesAreCountedByNameAndType() throws IOException {
        ask("Example.COM", Type.MX);
        ask("example.com", Type.MX);
        ask("example.com", Type.A);
        assertEquals(2, dns.queries("example.com", Type.MX));
        assertEquals(1, dns.queries("example.com", Type.A));
        assertEquals(3, dns.queries());
    }

    private Message ask(String name, int type) throws IOException {
        return client.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
    }
}
