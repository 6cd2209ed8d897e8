package dev.postillion.queue.outbound;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.core.TlsHandshakes;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.routing.Route;
import dev.postillion.queue.routing.Tlsa;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Command;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoteTransportTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final EventLoopGroup io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private final FakeMx mx = FakeMx.start();
    private final FakeMx otherMx = FakeMx.start();
    /** What DNS says, per next hop host; a next hop not listed is unresolved. */
    private final Map<String, Route> dns = new ConcurrentHashMap<>();
    private ActorRef<DestinationQueues.Command> destinations;
    private RemoteTransport transport;

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close().toCompletableFuture().join();
            testKit.stop(destinations);
        }
        mx.close();
        otherMx.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void start(String smtp, String destination) {
        OutboundClient client = new OutboundClient(io, NioSocketChannel.class, "postillion.test", TestMail.smtp(smtp),
                TestMail.tls(""), TlsHandshakes.uncounted());
        destinations = testKit.spawn(DestinationQueues.create(client,
                nextHop -> CompletableFuture.completedFuture(dns.getOrDefault(nextHop.host(),
                        new Route.Unresolved("4.4.3", "Host or domain name not found: " + nextHop.host()))),
                TestMail.destination(destination), clock));
        transport = new RemoteTransport(destinations, domain -> new NextHop(domain, 25, true),
                TestMail.smtp(smtp).maxRecipientsPerTransaction());
    }

    private void start() {
        start("connection-cache-time = 1m", "");
    }

    private void route(String domain, MailHost... hosts) {
        dns.put(domain, new Route.Hosts(List.of(hosts)));
    }

    private List<RecipientOutcome> deliver(DeliveryRequest request) {
        return sorted(transport.deliver(request).toCompletableFuture().join());
    }

    private static List<RecipientOutcome> sorted(List<RecipientOutcome> outcomes) {
        List<RecipientOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(RecipientOutcome::recipient));
        return sorted;
    }

    private static void assertStatuses(List<RecipientOutcome> outcomes, Status... statuses) {
        assertEquals(statuses.length, outcomes.size(), outcomes::toString);
        for (int i = 0; i < statuses.length; i++) {
            assertEquals(i, outcomes.get(i).recipient());
            assertEquals(statuses[i], outcomes.get(i).status(), outcomes.get(i).detail());
        }
    }

    /** Messages of one recipient each to remote.test, under way at once. */
    private List<CompletableFuture<List<RecipientOutcome>>> startDeliveries(int messages) {
        List<CompletableFuture<List<RecipientOutcome>>> deliveries = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            deliveries.add(transport.deliver(TestMail.request("anna@example.org", "r" + i + "@remote.test"))
                    .toCompletableFuture());
        }
        return deliveries;
    }

    /** The client said QUIT, and no connection is open any more. */
    private void awaitQuitAndClose() {
        await().until(() -> mx.openConnections() == 0);
        assertTrue(mx.commands().contains("QUIT"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void recipientsGoToTheServersOfTheirNextHops() {
        start();
        route("remote.test", mx.host("mx.remote.test"));
        route("other.test", otherMx.host("mx.other.test"));

        List<RecipientOutcome> outcomes = deliver(TestMail.request("anna@example.org",
                "bob@remote.test", "carl@other.test", "dora@Remote.Test"));

        assertStatuses(outcomes, Status.SENT, Status.SENT, Status.SENT);
        assertEquals("mx.other.test[127.0.0.1]:" + otherMx.port(), outcomes.get(1).relay());
        assertEquals(List.of("bob@remote.test", "dora@Remote.Test"),
                mx.transactions().get(0).recipients().stream().map(FakeMx.Recipient::address).toList());
        assertEquals(1, otherMx.transactions().size());
    }

    @Test
    void manyRecipientsAreSplitIntoTransactionsOfTheLimit() {
        start("max-recipients-per-transaction = 2", "");
        route("remote.test", mx.host("mx.remote.test"));

        List<RecipientOutcome> outcomes = deliver(TestMail.request("anna@example.org",
                "a@remote.test", "b@remote.test", "c@remote.test", "d@remote.test", "e@remote.test"));

        assertStatuses(outcomes, Status.SENT, Status.SENT, Status.SENT, Status.SENT, Status.SENT);
        List<Integer> sizes = mx.transactions().stream().map(t -> t.recipients().size()).sorted().toList();
        assertEquals(List.of(1, 2, 2), sizes);
    }

    @Test
    void deferredRecipientIsDeliveredByTheNextAttempt() {
        start();
        route("remote.test", mx.host("mx.remote.test"));
        mx.failRecipient("bob@remote.test", 1, "450 4.2.1 Mailbox busy");
        DeliveryRequest request = TestMail.request("anna@example.org", "bob@remote.test");

        RecipientOutcome first = deliver(request).get(0);
        assertEquals(Status.DEFERRED, first.status());
        assertEquals("4.2.1", first.dsn());
        assertStatuses(deliver(request), Status.SENT);
    }

    @Test
    void nextMessageToTheSameNextHopReusesTheConnection() {
        start();
        route("remote.test", mx.host("mx.remote.test"));

        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);
        assertStatuses(deliver(TestMail.request("anna@example.org", "carl@remote.test")), Status.SENT);

        assertEquals(1, mx.connections());
        assertEquals(List.of(1, 1), mx.transactions().stream().map(FakeMx.Transaction::connection).toList());
        assertEquals(1, mx.commands().stream().filter(line -> line.startsWith("EHLO")).count());
    }

    @Test
    void cachedConnectionTheServerDroppedIsReplacedWithoutTellingTheRecipients() {
        start();
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);

        mx.disconnectAfter(Command.MAIL, 1); // the cached connection dies at its next command
        List<RecipientOutcome> outcomes = deliver(TestMail.request("anna@example.org", "carl@remote.test", "dora@remote.test"));

        assertStatuses(outcomes, Status.SENT, Status.SENT);
        assertEquals(2, mx.connections());
        assertEquals(List.of(1, 2), mx.transactions().stream().map(FakeMx.Transaction::connection).toList());
    }

    @Test
    void cachedConnectionGetsQuitWhenItsTimeIsUp() {
        start("connection-cache-time = 50ms", "");
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);

        awaitQuitAndClose();
    }

    @Test
    void connectionIsNotReusedPastTheReuseLimit() {
        start("connection-cache-time = 1m, connection-reuse-limit = 1", "");
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);
        assertStatuses(deliver(TestMail.request("anna@example.org", "carl@remote.test")), Status.SENT);
        assertEquals(2, mx.connections());
    }

    @Test
    void closingQuitsCachedConnectionsAndDefersLaterDeliveries() {
        start();
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);

        transport.close().toCompletableFuture().join();

        awaitQuitAndClose();
        RecipientOutcome late = deliver(TestMail.request("anna@example.org", "carl@remote.test")).get(0);
        assertEquals(Status.DEFERRED, late.status());
        assertEquals("remote delivery is shutting down", late.detail());
    }

    @Test
    void idleDestinationQueueStopsAndQuitsItsConnections() {
        start("connection-cache-time = 1m", "idle-timeout = 50ms");
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);

        awaitQuitAndClose();
        assertStatuses(deliver(TestMail.request("anna@example.org", "carl@remote.test")), Status.SENT);
        assertEquals(2, mx.connections());
    }

    @Test
    void concurrencyWindowOpensSlowlyAndStaysWithinItsLimit() {
        start("connection-cache-time = 1m",
                "initial-destination-concurrency = 2, destination-concurrency-limit = 3, "
                        + "destination-concurrency-failed-cohort-limit = 2"); // shrunk, but not yet dead
        route("remote.test", mx.host("mx.remote.test"));
        mx.holdEndOfData();
        List<CompletableFuture<List<RecipientOutcome>>> deliveries = startDeliveries(6);

        await().until(() -> mx.heldAtEndOfData() == 2);
        assertEquals(2, mx.openConnections(), "the window starts at 2");
        mx.releaseHeld();
        // two answered attempts: the window grows to its limit of 3
        await().until(() -> mx.heldAtEndOfData() == 3);
        assertEquals(3, mx.openConnections());
        assertEquals(4, deliveries.stream().filter(delivery -> !delivery.isDone()).count(),
                "two done, three under way, one waiting its turn");
        mx.releaseEndOfData();

        deliveries.forEach(delivery -> assertStatuses(delivery.join(), Status.SENT));
        assertEquals(3, mx.maxConcurrentConnections());
        assertEquals(6, mx.transactions().size());
    }

    @Test
    void failedConnectionsShrinkTheWindowToOne() throws IOException {
        start("connection-cache-time = 1m",
                "initial-destination-concurrency = 2, destination-concurrency-limit = 3, "
                        + "destination-concurrency-failed-cohort-limit = 2"); // shrunk, but not yet dead
        route("remote.test", new MailHost("mx.remote.test", List.of(LOOPBACK), closedPort(), Tlsa.OFF));
        for (int attempt = 0; attempt < 2; attempt++) {
            assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.DEFERRED);
        }

        route("remote.test", mx.host("mx.remote.test")); // the destination is back
        mx.holdEndOfData();
        List<CompletableFuture<List<RecipientOutcome>>> deliveries = startDeliveries(3);

        await().until(() -> mx.heldAtEndOfData() == 1);
        assertEquals(1, mx.openConnections(), "one connection at a time after two failed attempts");
        mx.releaseEndOfData();
        deliveries.forEach(delivery -> assertStatuses(delivery.join(), Status.SENT));
    }

    @Test
    void aRateDelaySpacesTheDeliveriesToADestinationByTheClock() {
        start("connection-cache-time = 1m", "destination-rate-delay = 1h");
        route("remote.test", mx.host("mx.remote.test"));
        assertStatuses(deliver(TestMail.request("anna@example.org", "r0@remote.test")), Status.SENT);

        CompletableFuture<List<RecipientOutcome>> second = transport
                .deliver(TestMail.request("anna@example.org", "r1@remote.test")).toCompletableFuture();
        clock.advance(Duration.ofMinutes(59));
        CompletableFuture<List<RecipientOutcome>> third = transport
                .deliver(TestMail.request("anna@example.org", "r2@remote.test")).toCompletableFuture();
        assertFalse(second.isDone(), "a minute of the delay left when the third came");

        clock.advance(Duration.ofMinutes(1));
        transport.deliver(TestMail.request("anna@example.org", "r3@remote.test"));
        assertStatuses(second.join(), Status.SENT);
        assertEquals(2, mx.transactions().size());
        assertFalse(third.isDone(), "the delay starts again after the second");
    }

    @Test
    void aDestinationThatKeepsFailingIsSuspendedForTheBackoffThenTriedAfresh() throws IOException {
        start("connection-cache-time = 1m", "initial-destination-concurrency = 1, "
                + "destination-concurrency-failed-cohort-limit = 2, dead-destination-backoff = 5m");
        int closed = closedPort();
        route("remote.test", new MailHost("mx.remote.test", List.of(LOOPBACK), closed, Tlsa.OFF));
        String refused = "connect to mx.remote.test[" + LOOPBACK.getHostAddress() + "]:" + closed
                + ": Connection refused";
        for (int attempt = 0; attempt < 2; attempt++) {
            RecipientOutcome failed = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);
            assertEquals(Status.DEFERRED, failed.status());
            assertEquals(refused, failed.detail());
        }

        route("remote.test", mx.host("mx.remote.test")); // back, but not tried while suspended
        RecipientOutcome suspended = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);
        assertEquals(Status.DEFERRED, suspended.status());
        assertEquals("4.4.1", suspended.dsn());
        assertEquals("none", suspended.relay());
        assertEquals("delivery temporarily suspended: " + refused, suspended.detail());
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertEquals(Status.DEFERRED, deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0).status());
        assertEquals(0, mx.connections(), "no connection while suspended");

        clock.advance(Duration.ofSeconds(1));
        assertStatuses(deliver(TestMail.request("anna@example.org", "bob@remote.test")), Status.SENT);
        assertEquals(1, mx.connections());
    }

    @Test
    void nextHostIsTriedWhenTheFirstRefusesConnections() throws IOException {
        start();
        route("remote.test", new MailHost("mx1.remote.test", List.of(LOOPBACK), closedPort(), Tlsa.OFF), mx.host("mx2.remote.test"));

        RecipientOutcome outcome = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);

        assertEquals(Status.SENT, outcome.status());
        assertEquals("mx2.remote.test[127.0.0.1]:" + mx.port(), outcome.relay());
    }

    @Test
    void nextHostIsTriedWhenTheFirstWillNotTalk() {
        start();
        otherMx.greeting("554 5.7.1 No service for you");
        route("remote.test", otherMx.host("mx1.remote.test"), mx.host("mx2.remote.test"));

        RecipientOutcome outcome = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);

        assertEquals(Status.SENT, outcome.status());
        assertEquals(1, otherMx.connections());
    }

    @Test
    void recipientsAreDeferredWithTheLastFailureWhenNoHostTakesConnections() throws IOException {
        start();
        int second = closedPort();
        route("remote.test", new MailHost("mx1.remote.test", List.of(LOOPBACK), closedPort(), Tlsa.OFF),
                new MailHost("mx2.remote.test", List.of(LOOPBACK), second, Tlsa.OFF));

        RecipientOutcome outcome = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.4.1", outcome.dsn());
        assertEquals("none", outcome.relay());
        assertEquals("connect to mx2.remote.test[127.0.0.1]:" + second + ": Connection refused", outcome.detail());
    }

    @Test
    void refusedGreetingEverywhereDefers() {
        start();
        mx.greeting("554 5.7.1 Go away");
        otherMx.greeting("554 5.7.1 Go away too");
        route("remote.test", mx.host("mx1.remote.test"), otherMx.host("mx2.remote.test"));

        RecipientOutcome outcome = deliver(TestMail.request("anna@example.org", "bob@remote.test")).get(0);

        assertEquals(Status.DEFERRED, outcome.status());
        assertEquals("4.7.1", outcome.dsn());
        assertEquals("host mx2.remote.test[127.0.0.1] said: 554 5.7.1 Go away too (in reply to initial greeting command)",
                outcome.detail());
    }

    @Test
    void unroutableDestinationBouncesAndUnresolvedOneDefers() {
        start();
        dns.put("nullmx.test", new Route.Unroutable("5.1.10", "Domain nullmx.test does not accept mail (nullMX)"));

        List<RecipientOutcome> outcomes = deliver(TestMail.request("anna@example.org", "bob@nullmx.test",
                "carl@unknown.test"));

        assertStatuses(outcomes, Status.BOUNCED, Status.DEFERRED);
        assertEquals("5.1.10", outcomes.get(0).dsn());
        assertEquals("none", outcomes.get(0).relay());
        assertEquals("4.4.3", outcomes.get(1).dsn());
        assertFalse(outcomes.get(1).remote().isPresent());
    }
}
