package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TargetTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("target.smtp");
        System.clearProperty("target.submission");
        System.clearProperty("target.admin");
        System.clearProperty("target.token");
    }

    @Test
    void aNodeOfOurOwnAcceptsMailUntilClosed() throws IOException {
        String smtp;
        try (Target node = Target.fromSystemProperties()) {
            smtp = node.smtp();
            assertEquals("127.0.0.1", node.smtpHost());
            try (Socket socket = new Socket(node.smtpHost(), node.smtpPort())) {
                var greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                assertTrue(greeting.readLine().startsWith("220 postillion.load.test "), "the node's greeting");
            }
        }
        String host = smtp.substring(0, smtp.indexOf(':'));
        int port = Integer.parseInt(smtp.substring(smtp.indexOf(':') + 1));
        assertThrows(ConnectException.class, () -> new Socket(host, port).close(), "stopped with close()");
    }

    @Test
    void aRunningNodeIsTheOneThePropertiesName() {
        System.setProperty("target.smtp", "mx.example.test:25");
        System.setProperty("target.submission", "submit.example.test:587");
        System.setProperty("target.admin", "http://admin.example.test:8080");
        System.setProperty("target.token", "secret");

        try (Target target = Target.fromSystemProperties()) {
            assertEquals("mx.example.test", target.smtpHost());
            assertEquals(25, target.smtpPort());
            assertEquals("submit.example.test", target.submissionHost());
            assertEquals(587, target.submissionPort());
            assertEquals("http://admin.example.test:8080", target.admin().toString());
            assertEquals("secret", target.token());
        }
    }

    @Test
    void aRunningNodeNeedsItsAdminApiToo() {
        System.setProperty("target.smtp", "mx.example.test:25");

        var refused = assertThrows(IllegalStateException.class, Target::fromSystemProperties);
        assertEquals("the target is a running node; it needs -Dtarget.admin too", refused.getMessage());
    }

    @Test
    void anAdminApiLoadNeedsNoSmtpListener() {
        System.setProperty("target.admin", "http://admin.example.test:8080");
        System.setProperty("target.token", "secret");

        try (Target target = Target.fromSystemProperties()) {
            assertEquals("http://admin.example.test:8080", target.admin().toString());
            var refused = assertThrows(IllegalStateException.class, target::smtpHost);
            assertEquals("the target is a running node; an MX load needs -Dtarget.smtp (host:port of its MX"
                    + " listener) too", refused.getMessage());
        }
    }

    @Test
    void aSubmissionLoadNeedsTheRunningNodesSubmissionListener() {
        System.setProperty("target.smtp", "mx.example.test:25");
        System.setProperty("target.admin", "http://admin.example.test:8080");
        System.setProperty("target.token", "secret");

        try (Target target = Target.fromSystemProperties()) {
            var refused = assertThrows(IllegalStateException.class, target::submissionHost);
            assertEquals("the target is a running node; a submission load needs -Dtarget.submission"
                    + " (host:port of its submission listener) too", refused.getMessage());
        }
    }

    @Test
    void theLoadRampsUpOverAFifthOfItsDurationUnlessToldOtherwise() {
        System.setProperty("load.duration", "30s");
        try {
            assertEquals(Duration.ofSeconds(6), Load.fromSystemProperties().ramp());
            System.setProperty("load.ramp", "0");
            assertEquals(1, Load.fromSystemProperties().openModel().size(), "no ramp: the steady rate alone");
            System.setProperty("load.ramp", "31s");
            var refused = assertThrows(IllegalArgumentException.class, () -> Load.fromSystemProperties());
            assertEquals("load.ramp must be between 0 and load.duration (PT30S), not PT31S", refused.getMessage());
        } finally {
            System.clearProperty("load.duration");
            System.clearProperty("load.ramp");
        }
        assertEquals(2, new Load(10, Duration.ofSeconds(30), Duration.ofSeconds(6)).openModel().size(),
                "the ramp, then the steady rate");
    }

    @Test
    void loadDurationsTakeUnits() {
        assertEquals(Duration.ofMillis(500), Load.duration("load.duration", "500ms"));
        assertEquals(Duration.ofSeconds(30), Load.duration("load.duration", "30s"));
        assertEquals(Duration.ofSeconds(45), Load.duration("load.duration", "45"));
        assertEquals(Duration.ofMinutes(5), Load.duration("load.duration", "5m"));
        assertEquals(Duration.ofHours(1), Load.duration("load.duration", "1h"));
        assertThrows(IllegalArgumentException.class, () -> Load.duration("load.duration", "soon"));
    }
}
