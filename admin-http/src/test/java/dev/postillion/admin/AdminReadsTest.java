package dev.postillion.admin;

import dev.postillion.queue.SpoolFamilies;
import dev.postillion.mailbox.MailboxFamilies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.MailboxContext;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.MessageFlags;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mailbox.PasswordHash;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueManager;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolStore;
import dev.postillion.queue.cluster.ClusterQueue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;

/**
 * The admin API's reads of the directory and of mailboxes answer when the store's reads complete:
 * the routes run on the actor system's dispatcher, where the tests' blocking-call detector fails
 * any wait (ARCHITECTURE rule 2), and a read that waited there answered 500 instead of these.
 * A real store, directory and mailboxes, the API over HTTP; DKIM keys and greylisting, which the
 * mta module holds, are not part of it.
 */
class AdminReadsTest {

    private static final String TOKEN = "test-token";
    private static final String CREATED = "2026-05-01T08:00:00Z";
    private static final String DOMAIN = "{\"name\":\"example.test\",\"createdAt\":\"" + CREATED
            + "\",\"service\":\"example.test\",\"catchAll\":null,\"maintenance\":false}";
    private static final String ALIAS_DOMAIN = "{\"name\":\"example.net\",\"createdAt\":\"" + CREATED
            + "\",\"aliasOf\":\"example.test\"}";
    private static final String ANNA = "{\"address\":\"anna@example.test\",\"localPart\":\"anna\","
            + "\"domain\":\"example.test\",\"type\":\"mailbox\",\"disabled\":false,\"aliases\":[],\"redirect\":null,"
            + "\"backupCopy\":null,\"spamFilter\":true,\"timeZone\":\"UTC\",\"activeResponder\":null,\"createdAt\":\"" + CREATED + "\"}";

    @TempDir static Path dataDir;
    private static ActorTestKit testKit;
    private static Store store;
    private static Directory directory;
    private static Mailboxes mailboxes;
    private static ServerBinding binding;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create("admin", ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                """).withFallback(ConfigFactory.load()));
        ActorSystem<Void> system = testKit.system();
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        MutableClock clock = new MutableClock(Instant.parse(CREATED));
        store = TestStores.open(dataDir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20,
                50, Duration.ofHours(24), 1000));
        SpoolStore spoolStore = new SpoolStore(store, TestStores.SPOOL_KEY);
        ActorRef<QueueManager.Command> queueManager = testKit.<QueueManager.Command>createTestProbe().getRef();
        Spool spool = new Spool(spoolStore, new QueueIdGenerator(clock),
                CompletableFuture.completedFuture(queueManager));
        Srs srs = new Srs(List.of("secret".getBytes(StandardCharsets.UTF_8)), clock, Duration.ofDays(21),
                directory::hosts);
        mailboxes = Mailboxes.start(system, new MailboxContext(store, clock, directory, spool, srs, "mx.test",
                new Mailboxes.Settings(Duration.ofSeconds(5), Duration.ofDays(30), 50, Duration.ofDays(7), Duration.ofDays(30))));
        ClusterQueue queue = ClusterQueue.start(system,
                new QueueAdmin(spoolStore, queueManager, system.scheduler(), Duration.ofSeconds(5)),
                cluster.selfMember().address().toString(), Duration.ofSeconds(5), Set::of);
        AdminRoutes routes = new AdminRoutes(TOKEN, directory, mailboxes, queue, null, new NoDkimKeys(), null, null, null,
                new NodeStatus() {
                    @Override
                    public boolean accepting() {
                        return true;
                    }

                    @Override
                    public boolean sharedStoreReachable() {
                        return true;
                    }

                    @Override
                    public Map<String, String> healthDetails() {
                        return Map.of();
                    }

                    @Override
                    public String metrics() {
                        return "";
                    }

                    @Override
                    public List<Member> members() {
                        return List.of();
                    }

                    @Override
                    public Map<String, Long> queueCounts() {
                        return Map.of();
                    }
                });
        binding = AdminServer.start(system, "127.0.0.1", 0, routes).toCompletableFuture().join();

        assertEquals(201, post("/api/v1/domains", "{\"name\":\"example.test\"}").statusCode());
        assertEquals(201, post("/api/v1/domains/example.test/aliases-domains", "{\"name\":\"example.net\"}")
                .statusCode());
        assertEquals(201, post("/api/v1/domains/example.test/addresses",
                "{\"localPart\":\"anna\",\"password\":\"secret-password\"}").statusCode());
    }

    @AfterAll
    static void stop() {
        binding.unbind().toCompletableFuture().join();
        testKit.shutdownTestKit();
        directory.close();
        store.close();
    }

    /** Otherwise the other tests here prove nothing: a wait on the routes' dispatcher fails. */
    @Test
    void theBlockingCallDetectorWatchesTheDispatcherOfTheRoutes() throws Exception {
        CompletableFuture<Throwable> waited = new CompletableFuture<>();
        testKit.system().executionContext().execute(() -> {
            try {
                store.readBlocking(MailboxFamilies.DIRECTORY, "domain/example.test".getBytes(StandardCharsets.UTF_8));
                waited.complete(null);
            } catch (Throwable failure) {
                waited.complete(failure);
            }
        });
        assertInstanceOf(BlockingOperationError.class, waited.get(30, TimeUnit.SECONDS));
    }

    @Test
    void domainListings() throws Exception {
        assertAnswer(200, "[" + ALIAS_DOMAIN + "," + DOMAIN + "]", get("/api/v1/domains"));
        assertAnswer(200, DOMAIN, get("/api/v1/domains/example.test"));
        assertAnswer(200, "[" + ALIAS_DOMAIN + "]", get("/api/v1/domains/example.test/aliases-domains"));
        assertAnswer(400, "{\"error\":\"example.net is itself an alias domain\"}",
                get("/api/v1/domains/example.net/aliases-domains"));
        assertAnswer(404, "{\"error\":\"no domain nowhere.test\"}", get("/api/v1/domains/nowhere.test"));
        assertAnswer(200, "[" + ANNA + "]", get("/api/v1/domains/example.test/addresses"));
        assertAnswer(400, "{\"error\":\"example.net is an alias domain of example.test; manage addresses there\"}",
                get("/api/v1/domains/example.net/addresses"));
        assertAnswer(200, "local part,password,redirect target,keep flag\r\nanna,,,\r\n",
                get("/api/v1/domains/example.test/addresses/export"));
        assertAnswer(404, "{\"error\":\"no DKIM keys for example.test; POST /api/v1/domains/example.test/dkim"
                + " generates them\"}", get("/api/v1/domains/example.net/dkim"));
    }

    @Test
    void addressReads() throws Exception {
        assertAnswer(200, ANNA, get("/api/v1/addresses/anna@example.test"));
        assertAnswer(200, "[]", get("/api/v1/addresses/anna@example.test/aliases"));
        assertAnswer(200, "{\"allow\":[],\"block\":[],\"blocked\":\"spam\",\"warnings\":[]}",
                get("/api/v1/addresses/anna@example.test/lists"));
        assertAnswer(200, "[]", get("/api/v1/addresses/anna@example.test/responders"));
        assertAnswer(404, "{\"error\":\"anna@example.test has no redirect\"}",
                get("/api/v1/addresses/anna@example.test/redirect"));
        assertAnswer(404, "{\"error\":\"no address nobody@example.test\"}",
                get("/api/v1/addresses/nobody@example.test"));
    }

    @Test
    void mailboxReads() throws Exception {
        assertAnswer(200, "[]", get("/api/v1/mailboxes/anna@example.test/messages?folder=INBOX"));
        assertAnswer(404, "{\"error\":\"no message with uid 1 in INBOX of anna@example.test\"}",
                get("/api/v1/mailboxes/anna@example.test/messages/1/raw"));
        assertAnswer(404, "{\"error\":\"no folder Nope in anna@example.test\"}",
                get("/api/v1/mailboxes/anna@example.test/messages/1/raw?folder=Nope"));
        assertAnswer(404, "{\"error\":\"no folder Nope in anna@example.test\"}",
                get("/api/v1/mailboxes/anna@example.test/messages?folder=Nope"));
        assertAnswer(404, "{\"error\":\"no mailbox nobody@example.test\"}",
                get("/api/v1/mailboxes/nobody@example.test/messages"));
        assertAnswer(400, "{\"error\":\"parameter 'limit' must not be negative\"}",
                get("/api/v1/mailboxes/anna@example.test/messages?limit=-1"));
        assertAnswer(400, "{\"error\":\"'after' pages through one folder: give 'folder' too\"}",
                get("/api/v1/mailboxes/anna@example.test/messages?after=3"));
        assertAnswer(404, "{\"error\":\"no deleted message 1.2.3 in anna@example.test\"}",
                post("/api/v1/mailboxes/anna@example.test/deleted/1.2.3/restore", ""));
    }

    @Test
    void foldersListTheDefaultsWithTheirAttributesAndCounts() throws Exception {
        long created = Instant.parse(CREATED).getEpochSecond();
        StringBuilder expected = new StringBuilder("[");
        String[][] folders = {{"Archive", "6"}, {"Drafts", "3"}, {"INBOX", "1"}, {"Junk", "5"}, {"Sent", "2"},
            {"Trash", "4"}};
        for (String[] folder : folders) {
            String use = folder[0].equals("INBOX") ? "null" : "\"\\\\" + folder[0] + "\"";
            expected.append(expected.length() > 1 ? "," : "").append("{\"name\":\"").append(folder[0])
                    .append("\",\"specialUse\":").append(use).append(",\"subscribed\":true,\"messages\":0,")
                    .append("\"unseen\":0,\"uidValidity\":").append(created + Long.parseLong(folder[1]))
                    .append(",\"uidNext\":1,\"highestModSeq\":1}");
        }
        assertAnswer(200, expected.append("]").toString(), get("/api/v1/mailboxes/anna@example.test/folders"));
    }

    /**
     * A message expunged (by IMAP, here asked of the mailbox directly) is listed as deleted and
     * restored into its folder without \\Deleted; the folder is deleted at the end, so the other
     * tests see the default folders.
     */
    @Test
    void deletedMessagesAreListedAndRestoredWithANewUid() throws Exception {
        String key = "anna@example.test";
        byte[] content = "Subject: lost\r\n\r\nfound again\r\n".getBytes(StandardCharsets.UTF_8);
        join(mailboxes.edit(key, new MailboxEdit.CreateFolder("Lost")));
        MailboxEdit.Edited appended = join(mailboxes.edit(key, new MailboxEdit.Append("Lost", content,
                new MessageFlags(MessageFlags.DELETED, List.of()), Instant.parse(CREATED))));
        assertEquals(List.of(1L), appended.uids());
        join(mailboxes.edit(key, new MailboxEdit.Expunge("Lost", null)));

        HttpResponse<String> deleted = get("/api/v1/mailboxes/anna@example.test/deleted");
        assertEquals(200, deleted.statusCode());
        JsonNode listed = new ObjectMapper().readTree(deleted.body()).get(0);
        assertEquals("Lost", listed.get("folder").asText());
        assertEquals("lost", listed.get("subject").asText());
        assertEquals("[\"\\\\Deleted\"]", listed.get("flags").toString());

        assertAnswer(200, "{\"folder\":\"Lost\",\"uid\":2}",
                post("/api/v1/mailboxes/anna@example.test/deleted/" + listed.get("id").asText() + "/restore", ""));
        assertAnswer(200, "[]", get("/api/v1/mailboxes/anna@example.test/deleted"));
        HttpResponse<String> raw = get("/api/v1/mailboxes/anna@example.test/messages/2/raw?folder=Lost");
        assertAnswer(200, new String(content, StandardCharsets.UTF_8), raw);
        JsonNode all = new ObjectMapper().readTree(get("/api/v1/mailboxes/anna@example.test/messages").body());
        assertEquals("Lost 2 []", all.get(0).get("folder").asText() + " " + all.get(0).get("uid") + " "
                + all.get(0).get("flags"), "restored without \\Deleted, listed with every folder's messages");
        join(mailboxes.edit(key, new MailboxEdit.DeleteFolder("Lost")));
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** The queue's reads ask every node's queue service, this one's too, and merge their answers. */
    @Test
    void queueReads() throws Exception {
        String self = Cluster.get(testKit.system()).selfMember().address().toString();
        assertAnswer(200, "{\"messages\":[],\"next\":null,\"nodes\":[{\"node\":\"" + self
                + "\",\"answered\":true,\"reason\":null}]}", get("/api/v1/queue"));
        assertAnswer(404, "{\"error\":\"no message 000000000000000100000002 in the queue\"}",
                get("/api/v1/queue/000000000000000100000002"));
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static void assertAnswer(int status, String body, HttpResponse<String> response) {
        assertEquals(body, response.body(), response.uri().toString());
        assertEquals(status, response.statusCode(), response.uri().toString());
    }

    /** A node without DKIM keys: the routes' reads of the directory are what this test is about. */
    private static final class NoDkimKeys implements DkimAdmin {

        @Override
        public CompletionStage<Optional<DomainRecords>> records(String domain) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Generation> generate(String domain, boolean rotate) {
            return CompletableFuture.failedFuture(new IllegalStateException("this test's node keeps no DKIM keys"));
        }

        @Override
        public CompletionStage<Optional<DomainRecords>> activate(String domain) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Void> forget(String domain) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
