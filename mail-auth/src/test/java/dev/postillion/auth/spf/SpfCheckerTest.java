package dev.postillion.auth.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import dev.postillion.core.testing.DnsRecords;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** What the suite does not show: identities, the verdict's texts, the overall timeout. */
class SpfCheckerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    /** TXT records from a map; everything else NXDOMAIN; names in {@code hanging} never answered. */
    private record MapDns(Map<String, String> txt, List<String> hanging) implements NameService {
        @Override
        public CompletionStage<DnsAnswer> query(String name, int type) {
            if (hanging.contains(name)) {
                return new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(type == Type.TXT && txt.containsKey(name)
                    ? DnsAnswer.of(name, type, List.of(DnsRecords.txt(txt.get(name))))
                    : new DnsAnswer(name, type, DnsAnswer.Outcome.NO_SUCH_DOMAIN, List.of(), ""));
        }
    }

    private static SpfVerdict check(NameService dns, SpfSettings settings, InetAddress client, String helo, String from)
            throws Exception {
        return new SpfChecker(dns, settings, "mx.example.net", CLOCK).check(client, helo, from)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void checksTheHeloIdentityForTheNullSender() throws Exception {
        Map<String, String> txt = new HashMap<>();
        txt.put("mail.example.com", "v=spf1 ip4:192.0.2.1 -all");
        SpfVerdict verdict = check(new MapDns(txt, List.of()), SpfSettings.DEFAULTS,
                InetAddress.getByName("192.0.2.1"), "mail.example.com", "");
        assertEquals(new SpfVerdict(SpfResult.PASS, SpfVerdict.Identity.HELO, "mail.example.com",
                "domain of postmaster@mail.example.com designates 192.0.2.1 as permitted sender"
                        + " (mail.example.com: ip4:192.0.2.1)", ""), verdict);
        assertEquals("smtp.helo", verdict.identity().property());
    }

    @Test
    void givesTheDomainsExplanationForAFail() throws Exception {
        Map<String, String> txt = new HashMap<>();
        txt.put("example.com", "v=spf1 -all exp=why.example.com");
        txt.put("why.example.com", "%{i} may not send for %{d} (see %{r} at %{t})");
        SpfVerdict verdict = check(new MapDns(txt, List.of()), SpfSettings.DEFAULTS,
                InetAddress.getByName("192.0.2.9"), "client.example.org", "someone@example.com");
        assertEquals(SpfResult.FAIL, verdict.result());
        assertEquals(SpfVerdict.Identity.MAILFROM, verdict.identity());
        assertEquals("192.0.2.9 may not send for example.com (see mx.example.net at 1700000000)",
                verdict.explanation());
    }

    @Test
    void takesAnIpv4MappedClientAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 1};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1); // ::ffff:192.0.2.1, kept as IPv6
        assertTrue(client instanceof Inet6Address);
        Map<String, String> txt = Map.of("example.com", "v=spf1 ip4:192.0.2.1 -all");
        assertEquals(SpfResult.PASS, check(new MapDns(txt, List.of()), SpfSettings.DEFAULTS, client, "h.example",
                "a@example.com").result());
    }

    @Test
    void isATemperrorWhenTheWholeCheckTakesTooLong() throws Exception {
        SpfSettings quick = new SpfSettings(true, Duration.ofMillis(200), 2);
        SpfVerdict verdict = check(new MapDns(Map.of(), List.of("example.com")), quick,
                InetAddress.getByName("192.0.2.1"), "h.example", "a@example.com");
        assertEquals(SpfResult.TEMPERROR, verdict.result());
        assertTrue(verdict.reason().contains("longer than"), verdict.reason());
    }

    @Test
    void isNoneForANonexistentDomain() throws Exception {
        SpfVerdict verdict = check(new MapDns(Map.of(), List.of()), SpfSettings.DEFAULTS,
                InetAddress.getByName("192.0.2.1"), "h.example", "a@nowhere.example");
        assertEquals(SpfResult.NONE, verdict.result());
    }

    @Test
    void readsTheDocumentedDefaults() {
        assertEquals(SpfSettings.DEFAULTS, SpfSettings.from(ConfigFactory.defaultReference()));
    }
}
