package dev.postillion.loadtest.simulation;

import dev.postillion.loadtest.DovecotPeer;
import dev.postillion.loadtest.GatlingInThisJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of the reading simulation against Dovecot, its assertions (no failed request) enforced. */
class MailReadingSimulationTest {

    @Test
    void imapAndPop3ReadersReadWithoutAFailure(@TempDir Path directory) throws Exception {
        List<String> inbox = List.of("Subject: one\n\nHello.\n", "Subject: two\n\nHello again.\n");
        try (DovecotPeer dovecot = DovecotPeer.start(directory)) {
            for (String message : inbox) {
                dovecot.deliver("anna@example.test", message);
            }
            GatlingInThisJvm.requirePassing(MailReadingSimulation.class, Map.of(
                    "target.imap", "127.0.0.1:" + dovecot.imapPort(), "target.pop3", "127.0.0.1:" + dovecot.pop3Port(),
                    "reading.users", "anna@example.test", "reading.password", DovecotPeer.PASSWORD,
                    "reading.idle", "200ms", "reading.pop3-share", "0.5", "load.rate", "6", "load.duration", "2s"));
        }
    }
}
