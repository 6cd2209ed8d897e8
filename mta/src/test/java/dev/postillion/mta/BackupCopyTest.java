package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.OutboundDeliveryTest.transactionWith;
import static dev.postillion.mta.RedirectAndSrsTest.addresses;
import static dev.postillion.mta.RedirectAndSrsTest.assertHeader;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Transaction;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup copy over real SMTP (SPEC section 2): once set, every incoming message is kept in the
 * address and also sent to the backup mailbox, here or remote (then with an SRS sender); removing
 * it stops the copies.
 */
class BackupCopyTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "backup.example";
    private static final Pattern SRS0 = Pattern.compile(
            "SRS0=[^=@]{4}=[A-Za-z2-7]{2}=origin\\.test=alice@" + Pattern.quote(DOMAIN));

    static FakeMx mx;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        startNode(Map.of());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void everyMessageIsKeptAndAlsoSentToARemoteBackupWithAnSrsSender() throws IOException {
        String address = "arch@" + DOMAIN;
        node.createMailbox(address);
        String before = sendTo(address, "before the backup");
        mailboxes.awaitMessage(address, before);
        HttpResponse<String> set = setBackup(address, "archive@remote.test");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("archive@remote.test", QueueApi.json(set).get("address").asText());
        HttpResponse<String> shown = node.get("/api/v1/addresses/" + address + "/backup-copy");
        assertEquals(200, shown.statusCode(), shown.body());
        assertEquals("archive@remote.test", QueueApi.json(shown).get("address").asText());

        for (String subject : List.of("first backed up", "second backed up")) {
            String id = sendTo(address, subject);
            JsonNode kept = mailboxes.awaitMessage(address, id);
            assertEquals("INBOX", kept.get("folder").asText());
            Transaction copy = awaitTransaction(mx, "<" + subject.replace(' ', '-') + "@sender.test>");
            assertTrue(SRS0.matcher(copy.sender()).matches(), copy.sender());
            assertEquals(List.of("archive@remote.test"), addresses(copy));
            assertHeader(copy.text(), "Delivered-To: " + address);
        }
        queue.awaitEmpty();
        assertEquals(3, mailboxes.messages(address).size());
        assertTrue(transactionWith(mx, "<before-the-backup@sender.test>").isEmpty(), "only later messages");
    }

    @Test
    void aLocalBackupMailboxGetsACopyWithTheOriginalSender() throws IOException {
        String address = "lb@" + DOMAIN;
        String vault = "vault@" + DOMAIN;
        node.createMailbox(address);
        node.createMailbox(vault);
        assertEquals(200, setBackup(address, vault).statusCode());

        String id = sendTo(address, "kept twice here");

        mailboxes.awaitMessage(address, id);
        JsonNode copy = mailboxes.awaitSubject(vault, "kept twice here", 1).get(0);
        assertEquals("<alice@origin.test>", copy.get("returnPath").asText());
        assertHeader(mailboxes.raw(vault, copy), "Delivered-To: " + address);
        queue.awaitEmpty();
        assertEquals(1, mailboxes.messages(address).size());
        assertEquals(1, mailboxes.messages(vault).size());
    }

    @Test
    void deletingTheBackupCopyStopsIt() throws IOException {
        String address = "st@" + DOMAIN;
        node.createMailbox(address);
        assertEquals(200, setBackup(address, "stop-archive@remote.test").statusCode());
        sendTo(address, "still copied");
        awaitTransaction(mx, "<still-copied@sender.test>");
        queue.awaitEmpty();

        HttpResponse<String> removed = node.delete("/api/v1/addresses/" + address + "/backup-copy");
        assertEquals(204, removed.statusCode(), removed.body());
        assertEquals(404, node.get("/api/v1/addresses/" + address + "/backup-copy").statusCode());
        assertEquals(404, node.delete("/api/v1/addresses/" + address + "/backup-copy").statusCode());

        String id = sendTo(address, "no longer copied");
        mailboxes.awaitMessage(address, id);
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertTrue(transactionWith(mx, "<no-longer-copied@sender.test>").isEmpty());
        assertEquals(2, mailboxes.messages(address).size());
    }

    @Test
    void theBackupCopyCannotBeTheAddressItself() {
        String address = "self@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> refused = setBackup(address, "Self@" + DOMAIN);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(404, node.get("/api/v1/addresses/" + address + "/backup-copy").statusCode());
    }

    private static HttpResponse<String> setBackup(String address, String backup) {
        return node.put("/api/v1/addresses/" + address + "/backup-copy", "{\"address\":\"" + backup + "\"}");
    }

    private static String sendTo(String recipient, String subject) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            return send(smtp, "<alice@origin.test>", message(subject), recipient);
        }
    }
}
