package dev.postillion.mta.policy.dkim;

import dev.postillion.mta.Node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which messages are signed, and what happens when they cannot be: the remote side is a transport
 * that records what it is handed and sends it nowhere.
 */
class SigningTransportTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir Path dir;
    private Store store;
    private DomainKeyStore keys;
    private final List<DeliveryRequest> handedOn = new CopyOnWriteArrayList<>();
    private final Transport remote = request -> {
        handedOn.add(request);
        return CompletableFuture.completedFuture(List.of());
    };

    @BeforeEach
    void open() {
        store = TestStores.open(dir.resolve("store"), Node.storeFamilies());
        keys = keyStore(dir.resolve("master.key"));
        keys.generate("example.test", false).toCompletableFuture().join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void onlyMessagesWithOneFromAddressAtADomainWithKeysAreSigned() {
        List<String> froms = List.of("From: a@example.test", "From: a@other.test", "From: a@example.test, b@example.test",
                "Subject: no From");
        for (String from : froms) {
            deliver(new SigningTransport(remote, keys, SigningTransportTest::hosted, CLOCK, ForkJoinPool.commonPool()),
                    from, true);
        }
        assertEquals(List.of(true, false, false, false), handedOn.stream()
                .map(request -> new String(request.content(), StandardCharsets.US_ASCII).startsWith("DKIM-Signature:"))
                .toList());
    }

    /** Sent unsigned, the message could be refused by its own domain's DMARC policy: it waits instead. */
    @Test
    void keysThatDoNotOpenDeferEveryRecipient() {
        DomainKeyStore otherMasterKey = keyStore(dir.resolve("other.key"));
        List<RecipientOutcome> outcomes = deliver(new SigningTransport(remote, otherMasterKey,
                SigningTransportTest::hosted, CLOCK, ForkJoinPool.commonPool()), "From: a@example.test", true);
        assertEquals(List.of(), handedOn);
        String detail = "the DKIM keys of example.test cannot be read";
        assertEquals(List.of(RecipientOutcome.local(0, Status.DEFERRED, "none", "4.3.0", detail),
                RecipientOutcome.local(1, Status.DEFERRED, "none", "4.3.0", detail)), outcomes);
    }

    /** What reaches delay warnings and reports is stable wording, never an exception's text. */
    @Test
    void anyOtherSigningFaultDefersWithStableWording() {
        List<RecipientOutcome> outcomes = deliver(new SigningTransport(remote, keys, domain -> {
            throw new IllegalStateException("java.lang.IllegalArgumentException: Input buffer too short");
        }, CLOCK, ForkJoinPool.commonPool()), "From: a@example.test", true);
        assertEquals(List.of(), handedOn);
        assertEquals(List.of(RecipientOutcome.local(0, Status.DEFERRED, "none", "4.3.0", "DKIM signing failed"),
                RecipientOutcome.local(1, Status.DEFERRED, "none", "4.3.0", "DKIM signing failed")), outcomes);
    }

    /**
     * A forward of mail from elsewhere (a redirect, a backup copy) goes as it came, with a From at a
     * domain that has keys and even with keys that would not open: they are not read for it.
     */
    @Test
    void mailThatDidNotOriginateHereIsHandedOnAsItIs() {
        DomainKeyStore otherMasterKey = keyStore(dir.resolve("other.key"));
        for (DomainKeyStore store : List.of(keys, otherMasterKey)) {
            List<RecipientOutcome> outcomes = deliver(new SigningTransport(remote, store, SigningTransportTest::hosted,
                    CLOCK, ForkJoinPool.commonPool()), "From: a@example.test", false);
            assertEquals(List.of(), outcomes, "the remote transport's outcomes");
        }
        assertEquals(List.of("From: a@example.test\r\nTo: x@remote.test\r\n\r\nbody\r\n",
                        "From: a@example.test\r\nTo: x@remote.test\r\n\r\nbody\r\n"),
                handedOn.stream().map(request -> new String(request.content(), StandardCharsets.US_ASCII)).toList());
    }

    private DomainKeyStore keyStore(Path masterKey) {
        SigningSettings settings = new SigningSettings("ed", "rsa", masterKey, true);
        return new DomainKeyStore(store, MasterKey.load(settings), settings, CLOCK, ForkJoinPool.commonPool());
    }

    private static Optional<String> hosted(String domain) {
        return domain.equals("example.test") ? Optional.of(domain) : Optional.empty();
    }

    private static List<RecipientOutcome> deliver(Transport transport, String from, boolean originatedHere) {
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse("a@example.test", true)), Map.of(),
                List.of(recipient("x@remote.test"), recipient("y@remote.test")), "client.test", "127.0.0.1", NOW, false,
                false, originatedHere);
        byte[] content = (from + "\r\nTo: x@remote.test\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        return transport.deliver(new DeliveryRequest(QueueId.firstAt(NOW), envelope, List.of(0, 1), content))
                .toCompletableFuture().join();
    }

    private static Envelope.Recipient recipient(String address) {
        return new Envelope.Recipient(EmailAddress.parse(address, true), Map.of());
    }
}
