package dev.postillion.mta.imap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.MailboxReader;
import dev.postillion.mta.SmtpClient;
import dev.postillion.mta.TestNode;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two more independent IMAP clients: curl (libcurl's IMAP, over STARTTLS and implicit TLS, with
 * SASL-IR) and Jakarta Mail's IMAP store (Angus Mail), as a Java mail client reads a mailbox.
 */
class ImapOtherClientsTest {

    private static final String USER = "anna@example.test";
    private static final String MESSAGE = "From: bob@example.org\r\nTo: " + USER + "\r\nSubject: for curl\r\n\r\nHello.\r\n";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dataDir);
        node.createMailbox(USER);
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.example.org");
            smtp.command("MAIL FROM:<bob@example.org>");
            smtp.command("RCPT TO:<" + USER + ">");
            smtp.command("DATA");
            assertTrue(smtp.command(MESSAGE + ".").startsWith("250 2.0.0 Ok: queued as "));
        }
        MailboxReader mailboxes = new MailboxReader(node);
        await().atMost(Duration.ofSeconds(15)).until(() -> !mailboxes.withSubject(USER, "for curl").isEmpty());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void curlFetchesAMessageByUidOverStartTlsAndImplicitTls() {
        String viaStartTls = curl("--ssl-reqd", "imap://127.0.0.1:" + node.imapPort(false) + "/INBOX;UID=1");
        String viaTls = curl("--sasl-ir", "imaps://127.0.0.1:" + node.imapPort(true) + "/INBOX;UID=1");
        assertTrue(viaStartTls.endsWith(MESSAGE), viaStartTls);
        assertTrue(viaStartTls.startsWith("Return-Path: <bob@example.org>\r\nDelivered-To: " + USER + "\r\n"));
        assertEquals(viaStartTls, viaTls);
    }

    /** curl's custom requests: ESEARCH (RFC 4731) in the folder of the URL, STATUS=SIZE (RFC 8438). */
    @Test
    void curlSendsImap4rev2Commands() {
        String imap = "imap://127.0.0.1:" + node.imapPort(false) + "/";
        String search = curl("--ssl-reqd", imap + "INBOX", "-X", "SEARCH RETURN (MIN MAX COUNT) ALL");
        assertTrue(search.matches("\\* ESEARCH \\(TAG \"\\w+\"\\) MIN 1 MAX 1 COUNT 1\r?\n"), search);
        String status = curl("--ssl-reqd", imap, "-X", "STATUS INBOX (MESSAGES SIZE)");
        assertTrue(status.matches("\\* STATUS \"INBOX\" \\(MESSAGES 1 SIZE \\d+\\)\r?\n"), status);
    }

    @Test
    void curlListsTheFolders() {
        assertEquals(List.of("* LIST (\\Archive \\HasNoChildren \\Subscribed) \"/\" \"Archive\"",
                "* LIST (\\Drafts \\HasNoChildren \\Subscribed) \"/\" \"Drafts\"",
                "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
                "* LIST (\\Junk \\HasNoChildren \\Subscribed) \"/\" \"Junk\"",
                "* LIST (\\Sent \\HasNoChildren \\Subscribed) \"/\" \"Sent\"",
                "* LIST (\\Trash \\HasNoChildren \\Subscribed) \"/\" \"Trash\""),
                curl("--ssl-reqd", "imap://127.0.0.1:" + node.imapPort(false) + "/").lines().toList());
    }

    @Test
    void jakartaMailReadsTheInboxAndFlagsAMessage() throws Exception {
        Properties properties = new Properties();
        properties.put("mail.imaps.ssl.trust", "*");
        properties.put("mail.imaps.ssl.checkserveridentity", "false");
        Store store = Session.getInstance(properties).getStore("imaps");
        store.connect("127.0.0.1", node.imapPort(true), USER, "secret-password");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Message[] messages = inbox.getMessages();
            assertEquals(1, messages.length);
            assertEquals("for curl", messages[0].getSubject());
            assertEquals(1, ((UIDFolder) inbox).getUID(messages[0]));
            messages[0].setFlag(Flags.Flag.FLAGGED, true);
            assertTrue(inbox.getMessage(1).isSet(Flags.Flag.FLAGGED));
            inbox.close(false);
            assertEquals(List.of("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"),
                    java.util.Arrays.stream(store.getDefaultFolder().list()).map(Folder::getName).toList());
        } finally {
            store.close();
        }
    }

    private static String curl(String... arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("curl", "-s", "-S", "-k", "-u",
                    USER + ":secret-password"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).start();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), err);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run curl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
