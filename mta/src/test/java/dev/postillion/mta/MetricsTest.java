package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each series of the README's "Metrics" moves when its event happens, with the labels named there. */
class MetricsTest {

    private static final String ANNA = "anna@example.test";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.greylist.enabled", false), Clock.systemUTC());
        node.createMailbox(ANNA);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void smtpConnectionsAcceptedMessagesAndRejectionsAreCountedPerListenerAndReason() throws IOException {
        PrometheusText before = PrometheusText.of(node);
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertTrue(smtp.reply().startsWith("220 "));
            assertEquals(1.0, PrometheusText.of(node).valueOrZero("postillion_smtp_connections_active", mx()));
            smtp.command("EHLO client.test");
            assertTrue(smtp.command("FOO").startsWith("500 5.5.2"));
            assertTrue(smtp.command("MAIL FROM:<bob@sender.test>").startsWith("250 "));
            assertTrue(smtp.command("RCPT TO:<nobody@example.test>").startsWith("550 5.1.1"));
            assertTrue(smtp.command("RCPT TO:<someone@elsewhere.test>").startsWith("554 5.7.1"));
            assertTrue(smtp.command("RCPT TO:<" + ANNA + ">").startsWith("250 "));
            assertTrue(smtp.command("DATA").startsWith("354 "));
            assertTrue(smtp.command("Subject: counted\r\n\r\nHello\r\n.").startsWith("250 2.0.0 Ok: queued as "));
            smtp.command("QUIT");
        }
        await().untilAsserted(() -> assertEquals(0.0,
                PrometheusText.of(node).valueOrZero("postillion_smtp_connections_active", mx())));
        PrometheusText after = PrometheusText.of(node);
        assertEquals(1.0, increase(before, after, "postillion_smtp_connections_total", mx()));
        assertEquals(1.0, increase(before, after, "postillion_smtp_messages_accepted_total", mx()));
        assertEquals(1.0, increase(before, after, "postillion_smtp_rejections_total", rejected("protocol")));
        assertEquals(1.0, increase(before, after, "postillion_smtp_rejections_total", rejected("unknown_recipient")));
        assertEquals(1.0, increase(before, after, "postillion_smtp_rejections_total", rejected("relay_denied")));
        assertEquals(0.0, increase(before, after, "postillion_smtp_rejections_total", rejected("greylisted")));
        assertEquals(0.0, increase(before, after, "postillion_smtp_connections_total",
                Map.of("listener", "submission")), "the other listeners count their own");

        // The message goes on to anna's mailbox: a delivery, timed from its arrival; its spooling
        // and its delivery are store commits, each durable.
        Map<String, String> mailboxSent = Map.of("transport", "mailbox", "status", "sent");
        await().untilAsserted(() -> assertEquals(1.0,
                increase(before, PrometheusText.of(node), "postillion_deliveries_total", mailboxSent)));
        await().untilAsserted(() -> assertEquals(0.0, PrometheusText.of(node).valueOrZero("postillion_queue_messages",
                Map.of("state", "active")), "delivered: out of the spool"));
        PrometheusText delivered = PrometheusText.of(node);
        for (String state : List.of("deferred", "hold")) {
            assertEquals(Optional.of(0.0), delivered.value("postillion_queue_messages", Map.of("state", state)));
        }
        assertEquals(1.0, increase(before, delivered, "postillion_delivery_seconds_count", Map.of()));
        assertEquals(0.0, increase(before, delivered, "postillion_deliveries_total",
                Map.of("transport", "smtp", "status", "sent")));
        Map<String, String> rocksdb = Map.of("backend", "rocksdb");
        assertTrue(increase(before, delivered, "postillion_store_commit_seconds_count", rocksdb) >= 2);
        assertTrue(increase(before, delivered, "postillion_store_commit_batch_count", rocksdb) >= 1);
    }

    @Test
    void tlsHandshakesAreCountedByResult() throws IOException {
        SSLContext trust = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
        Map<String, String> succeeded = Map.of("direction", "inbound", "result", "success");
        Map<String, String> failed = Map.of("direction", "inbound", "result", "failure");
        PrometheusText before = PrometheusText.of(node);
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION))) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertTrue(smtp.command("STARTTLS").startsWith("220 "));
            smtp.startTls(trust);
        }
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS))) {
            smtp.send("this is no TLS handshake\r\n");
        }
        await().untilAsserted(() -> {
            PrometheusText after = PrometheusText.of(node);
            assertEquals(1.0, increase(before, after, "postillion_tls_handshakes_total", succeeded));
            assertEquals(1.0, increase(before, after, "postillion_tls_handshakes_total", failed));
        });
    }

    @Test
    void theJvmAndTheProcessAreDescribed() {
        PrometheusText now = PrometheusText.of(node);
        for (String series : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
                "process_uptime_seconds", "jvm_classes_loaded_classes")) {
            assertTrue(now.value(series, Map.of("node", "mx.test")).isPresent(), series);
        }
    }

    private static Map<String, String> mx() {
        return Map.of("listener", "mx", "node", "mx.test");
    }

    private static Map<String, String> rejected(String reason) {
        return Map.of("listener", "mx", "reason", reason);
    }

    private static double increase(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.valueOrZero(name, labels) - before.valueOrZero(name, labels);
    }
}
