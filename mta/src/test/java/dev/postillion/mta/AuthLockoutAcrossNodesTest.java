package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.MutableClock;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes over one PostgreSQL: a client network locked out of AUTH on one node is refused on the
 * other, even with a good password, until the lockout ends; other networks are not.
 */
class AuthLockoutAcrossNodesTest {

    private static final String LOCKED_OUT =
            "421 4.7.0 mx.test Error: too many failed authentication attempts, try again later";
    private static final String ANNA = "anna@submit.test";
    private static final String PASSWORD = "secret-password";

    @TempDir Path one;
    @TempDir Path two;
    @TempDir Path keys;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private TestNode nodeOne;
    private TestNode nodeTwo;

    @AfterEach
    void stop() {
        if (nodeTwo != null) {
            nodeTwo.close();
        }
        if (nodeOne != null) {
            nodeOne.close();
        }
    }

    @Test
    void aLockoutDecidedOnOneNodeHoldsOnTheOther() throws IOException {
        PostgresSettings database = TestPostgres.newDatabase();
        Path masterKey = TestSharedStore.dkimMasterKey(keys);
        nodeOne = TestNode.start(one, settings(database, masterKey), clock);
        nodeTwo = TestNode.start(two, settings(database, masterKey), clock);
        nodeOne.createMailbox(ANNA);

        try (SmtpClient smtp = startedTls(nodeOne, one, "127.0.0.5")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("wrong-1")));
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("wrong-2")));
            assertEquals(LOCKED_OUT, smtp.command("AUTH PLAIN " + plain("wrong-3")));
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.5")) {
            assertEquals(LOCKED_OUT, smtp.command("AUTH PLAIN " + plain(PASSWORD)), "locked out on the other node too");
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.6")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(PASSWORD)));
        }
        clock.advance(Duration.ofMinutes(16));
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.5")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(PASSWORD)),
                    "the lockout has ended");
        }
    }

    private static Map<String, Object> settings(PostgresSettings database, Path masterKey) {
        return Map.of(
                "postillion.store.backend", "postgresql",
                "postillion.dkim.master-key", masterKey.toString(),
                "postillion.store.postgresql.url", database.url(),
                "postillion.store.postgresql.user", database.user(),
                "postillion.smtp.auth.failure-delay", "1ms",
                "postillion.smtp.auth.max-failure-delay", "4ms",
                "postillion.smtp.auth.lockout-after", 3);
    }

    /** Connected from {@code from} to the node's submission port, greeted, EHLO, STARTTLS and EHLO again. */
    private static SmtpClient startedTls(TestNode node, Path dataDir, String from) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION), from);
        smtp.reply();
        smtp.command("EHLO client.test");
        assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
        smtp.startTls(TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
        smtp.command("EHLO client.test");
        return smtp;
    }

    private static String plain(String password) {
        return Base64.getEncoder().encodeToString(("\0" + ANNA + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }
}
