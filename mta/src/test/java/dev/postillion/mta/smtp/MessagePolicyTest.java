package dev.postillion.mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.auth.AuthChecks;
import dev.postillion.auth.MessageAuthenticator;
import dev.postillion.auth.OnCheckError;
import dev.postillion.auth.dkim.DkimSettings;
import dev.postillion.auth.dkim.DkimVerifier;
import dev.postillion.auth.dmarc.DmarcEvaluator;
import dev.postillion.auth.spf.SpfChecker;
import dev.postillion.auth.spf.SpfSettings;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.DnsLookups;
import dev.postillion.core.dns.DnsSettings;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.dns.NameService;
import dev.postillion.core.testing.TestDnsServer;
import dev.postillion.mta.Node;
import dev.postillion.mta.net.ContentMemory;
import dev.postillion.mta.policy.content.ContentPolicy;
import dev.postillion.mta.policy.content.ContentSettings;
import dev.postillion.mta.policy.spam.SpamFilter;
import dev.postillion.mta.policy.spam.SpamSettings;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message whose SPF, DKIM and DMARC checks fail to run, when the TXT lookup of DMARC throws
 * instead of answering, or the pool that verifies signatures refuses work as it does while the
 * node stops: deferred by default, spooled unchecked only when
 * {@code postillion.auth-checks.on-error = accept} says so. SPF asks a real DNS server.
 */
class MessagePolicyTest {

    private static final Executor REFUSING_POOL = task -> {
        throw new RejectedExecutionException("pool shut down");
    };
    private static final NameService THROWING_DNS = (name, type) -> {
        throw new IllegalStateException("resolver bug");
    };
    private static final byte[] CONTENT = "From: bob@sender.example\r\nSubject: hi\r\n\r\nhello\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    static TestDnsServer dns;
    @TempDir Path directory;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private SpoolStore spoolStore;

    @BeforeAll
    static void startDns() throws IOException {
        dns = TestDnsServer.start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void open() {
        store = TestStores.open(directory, Node.storeFamilies());
        spoolStore = new SpoolStore(store, TestStores.SPOOL_KEY);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void checksThatFailToRunDeferTheMessageByDefault() throws Exception {
        assertDeferred(admit(ConfigFactory.empty(), THROWING_DNS, Runnable::run));
    }

    @Test
    void checksThatCannotStartDeferTheMessageToo() throws Exception {
        assertDeferred(admit(ConfigFactory.empty(), (name, type) -> CompletableFuture.completedFuture(
                DnsAnswer.malformed(name, type)), REFUSING_POOL));
    }

    @Test
    void checksThatFailToRunLetTheMessageInUncheckedWhenSetToAccept() throws Exception {
        MessagePolicy.Outcome outcome = admit(ConfigFactory.parseMap(Map.of("postillion.auth-checks.on-error", "accept")),
                THROWING_DNS, Runnable::run);

        MessagePolicy.Queued queued = assertInstanceOf(MessagePolicy.Queued.class, outcome);
        String spooled = new String(spoolStore.content(queued.id()).toCompletableFuture().join(), StandardCharsets.US_ASCII);
        assertTrue(spooled.endsWith(new String(CONTENT, StandardCharsets.US_ASCII)), spooled);
        assertTrue(!spooled.contains("dkim="), "a DKIM verdict in a message that was not checked: " + spooled);
    }

    private void assertDeferred(MessagePolicy.Outcome outcome) {
        assertEquals("451 4.7.1 Error: temporary sender authentication failure, try again later",
                assertInstanceOf(MessagePolicy.Refused.class, outcome).reply().toString());
        assertTrue(spoolStore.messages(null, 10).toCompletableFuture().join().isEmpty(), "the message was spooled");
    }

    /** SPF, DKIM and DMARC on: DKIM and DMARC ask {@code txt}, DKIM verifies on {@code verifying}. */
    private MessagePolicy.Outcome admit(Config overrides, NameService txt, Executor verifying) throws Exception {
        Config config = overrides.withFallback(ConfigFactory.parseMap(Map.of("postillion.dns.servers",
                List.of(dns.address())))).withFallback(ConfigFactory.defaultReference()).resolve();
        Config postillion = config.getConfig("postillion");
        SpfChecker spf = new SpfChecker(new DnsjavaNameService(DnsSettings.from(config), DnsLookups.uncounted()),
                SpfSettings.from(config), "mx.test", clock);
        MessageAuthenticator authenticator = new MessageAuthenticator(Optional.of(spf),
                Optional.of(new DkimVerifier(txt, DkimSettings.from(config), clock, verifying)),
                Optional.of(new DmarcEvaluator(txt)), OnCheckError.from(config), AuthChecks.uncounted());
        QueueIdGenerator ids = new QueueIdGenerator(clock);
        // The queue manager never comes: the test reads the spool itself.
        Spool spool = new Spool(spoolStore, ids, new CompletableFuture<>());
        ListenerContext context = new ListenerContext(ListenerRole.MX,
                SmtpSettings.from(postillion.getConfig("smtp"), ListenerRole.MX.configName()), null, "mx.test", null,
                null, null, spool, clock, new ContentPolicy(ContentSettings.from(postillion)), authenticator, null,
                null, null, null, Runnable::run, null,
                new SpamFilter(SpamSettings.from(postillion.getConfig("spam")), new SimpleMeterRegistry()));
        Client client = new Client(InetAddress.getByName("192.0.2.7"), "client.example", true, false,
                Optional.empty(), Optional.empty());
        CompletedMessage message = new CompletedMessage(client,
                Optional.of(EmailAddress.parse("bob@sender.example", false)), Map.of(), false,
                List.of(new Envelope.Recipient(EmailAddress.parse("anna@example.test", false), Map.of())), CONTENT,
                new ContentPieces(spool, new ContentMemory(1 << 20).share(), new ContentMemory(1 << 20).checks()));
        return new MessagePolicy(context, Runnable::run).admit(message).toCompletableFuture().get();
    }
}
