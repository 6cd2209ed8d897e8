package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDeliveryTest {
    @TempDir Path dataDir;
    TestNode node;

    @BeforeEach void start() {
        node = TestNode.start(dataDir);
        node.createMailbox("anna@example.test");
    }

    @AfterEach void stop() {
        node.close();
    }

    @Test void messageAcceptedOverSmtpIsStoredInTheMailbox() throws Exception {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertEquals("220 mx.test ESMTP Postillion", smtp.reply());
        }
    }
}
