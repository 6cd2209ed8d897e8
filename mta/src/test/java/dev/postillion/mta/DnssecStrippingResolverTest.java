package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.OutboundDeliveryTest.recipient;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default trust anchor (the root's) with DNS servers that do not pass DNSSEC records on, as
 * the test DNS serves the root unsigned: mail is routed by MX as insecure, DANE unavailable, and
 * the node says so in /health and its metrics; only dane-only destinations wait.
 */
class DnssecStrippingResolverTest extends NodeInRemoteWorld {

    private static final String DANE_ONLY = "dane-only.test";

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        world.ownMx("insecure.test").ownMx(DANE_ONLY);
        world.dns().mx("insecure.test", 10, "mx.insecure.test").a("mx.insecure.test", "127.0.0.1")
                .mx(DANE_ONLY, 10, "mx." + DANE_ONLY).a("mx." + DANE_ONLY, "127.0.0.1");
        startNode(Map.of(
                "postillion.dns.dnssec.trust-anchors",
                ConfigFactory.defaultReference().getStringList("postillion.dns.dnssec.trust-anchors"),
                "postillion.delivery.tls.policy", Map.of("\"" + DANE_ONLY + "\"", "dane-only")));
    }

    @Test
    void mailIsRoutedWithoutDnssecAndTheNodeSaysSo() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test>", message("routed insecure"), "anna@insecure.test");
        }
        awaitTransaction(world.mx(), "<routed-insecure@sender.test>");
        queue.awaitGone(id);

        JsonNode health = json(node.send(node.request("/health").GET()));
        assertEquals("accepting", health.get("status").asText());
        assertEquals("unavailable", health.get("dnssec").asText());
        HttpResponse<String> metrics = node.get("/metrics");
        assertTrue(metrics.body().lines().anyMatch(line -> line.equals("postillion_dnssec_validation_available{node=\"mx.test\"} 0.0")),
                metrics.body());
    }

    @Test
    void daneOnlyDestinationsStillWait() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test>", message("dane only"), "anna@" + DANE_ONLY);
        }
        JsonNode deferred = queue.awaitAttempts(id, 1);
        assertEquals("pending", recipient(deferred, 0).get("state").asText());
        assertEquals("dane-only: no DNSSEC-validated TLSA records", recipient(deferred, 0).get("lastResult").asText());
        queue.delete(id);
        queue.awaitGone(id);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }
}
