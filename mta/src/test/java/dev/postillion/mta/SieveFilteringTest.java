package dev.postillion.mta;

import static dev.postillion.mta.AliasesAndCatchAllTest.sendTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sieve filters end to end: scripts stored and activated through the admin API, mail delivered
 * over SMTP, and what each script made of it read back from the mailbox: {@code :detail} filed
 * into its folder (made for it), flags set, discarded mail gone, redirected mail at its target,
 * one copy per folder; a script that fails files into INBOX and the log says why, with the queue id.
 */
class SieveFilteringTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "sieve.example";
    private static final String FILTERS = String.join("\n",
            "require [\"fileinto\", \"envelope\", \"subaddress\", \"imap4flags\", \"copy\"];",
            "if envelope :detail \"to\" \"news\" {",
            "  fileinto \"News\";",
            "} elsif header :contains \"subject\" \"urgent\" {",
            "  addflag \"\\\\Flagged\";",
            "  keep;",
            "} elsif header :contains \"subject\" \"lottery\" {",
            "  discard;",
            "} elsif header :contains \"subject\" \"for frida\" {",
            "  redirect \"frida@" + DOMAIN + "\";",
            "} elsif header :contains \"subject\" \"twice\" {",
            "  fileinto :copy \"Archive\";",
            "  fileinto :flags \"$Label1\" \"Later\";",
            "}",
            "");

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        startNode(Map.of());
        node.createMailbox("anna@" + DOMAIN);
        node.createMailbox("frida@" + DOMAIN);
        assertEquals(201, putScript("anna@" + DOMAIN, "filters", FILTERS).statusCode());
        assertEquals(204, node.post("/api/v1/addresses/anna@" + DOMAIN + "/sieve/filters/activate", "").statusCode());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    static HttpResponse<String> putScript(String address, String name, String script) {
        return node.send(node.request("/api/v1/addresses/" + address + "/sieve/" + name)
                .header("Content-Type", "application/sieve").PUT(HttpRequest.BodyPublishers.ofString(script)));
    }

    @Test
    void aSubaddresssDetailFilesIntoItsFolderWhichIsMadeForIt() throws IOException {
        String id = sendTo("weekly news", "anna+news@" + DOMAIN);

        JsonNode stored = mailboxes.awaitMessage("anna@" + DOMAIN, id);
        assertEquals("News", stored.get("folder").asText());
        queue.awaitGone(id);
        assertTrue(folders("anna@" + DOMAIN).contains("News"));
    }

    @Test
    void flagsGoWithTheCopyKept() throws IOException {
        String id = sendTo("urgent: call back", "anna@" + DOMAIN);

        JsonNode stored = mailboxes.awaitMessage("anna@" + DOMAIN, id);
        assertEquals("INBOX", stored.get("folder").asText());
        assertEquals("[\"\\\\Flagged\"]", stored.get("flags").toString());
    }

    @Test
    void discardedMailIsDeliveredButNotKept() throws IOException {
        String kept = "anna@" + DOMAIN;
        String id = sendTo("lottery win", kept);

        queue.awaitGone(id);
        assertEquals(List.of(), mailboxes.withSubject(kept, "lottery win"));
    }

    @Test
    void aRedirectForwardsThroughTheQueueWithDeliveredTo() throws IOException {
        String id = sendTo("for frida", "anna@" + DOMAIN);

        JsonNode forwarded = mailboxes.awaitSubject("frida@" + DOMAIN, "for frida", 1).get(0);
        assertTrue(mailboxes.raw("frida@" + DOMAIN, forwarded).contains("\r\nDelivered-To: anna@" + DOMAIN + "\r\n"));
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertEquals(List.of(), mailboxes.withSubject("anna@" + DOMAIN, "for frida"), "redirect cancels the keep");
    }

    @Test
    void severalFileintoMakeOneCopyPerFolderWithTheirFlags() throws IOException {
        String id = sendTo("twice", "anna@" + DOMAIN);

        List<JsonNode> copies = mailboxes.awaitSubject("anna@" + DOMAIN, "twice", 2);
        queue.awaitGone(id);
        Map<String, String> byFolder = copies.stream().collect(Collectors.toMap(copy -> copy.get("folder").asText(),
                copy -> copy.get("flags").toString()));
        assertEquals(Map.of("Archive", "[]", "Later", "[\"$Label1\"]"), byFolder);
        assertEquals(2, mailboxes.withSubject("anna@" + DOMAIN, "twice").size());
    }

    @Test
    void aScriptThatFailsFilesIntoInboxAndTheLogSaysWhy() throws IOException {
        String bert = "bert@" + DOMAIN;
        node.createMailbox(bert);
        assertEquals(201, putScript(bert, "broken", "require [\"variables\", \"fileinto\"];\n"
                + "set \"to\" \"not an address\";\nfileinto \"Elsewhere\";\nredirect \"${to}\";\n").statusCode());
        assertEquals(204, node.post("/api/v1/addresses/" + bert + "/sieve/broken/activate", "").statusCode());

        try (CapturedLog log = new CapturedLog("dev.postillion.mailbox.MailboxActor")) {
            String id = sendTo("broken script", bert);

            JsonNode stored = mailboxes.awaitMessage(bert, id);
            assertEquals("INBOX", stored.get("folder").asText());
            assertEquals(id + ": to=<" + bert + ">, the Sieve script failed: line 4: redirect address \"not an"
                    + " address\" is not a valid mail address; filed into INBOX",
                    log.awaitLine(line -> line.startsWith(id + ": to=<")));
        }
    }

    @Test
    void aDeactivatedScriptNoLongerFiles() throws IOException {
        String cleo = "cleo@" + DOMAIN;
        node.createMailbox(cleo);
        assertEquals(201, putScript(cleo, "all", "require \"fileinto\";\nfileinto \"Elsewhere\";\n").statusCode());
        assertEquals(204, node.post("/api/v1/addresses/" + cleo + "/sieve/all/activate", "").statusCode());
        String filed = sendTo("filed", cleo);
        assertEquals("Elsewhere", mailboxes.awaitMessage(cleo, filed).get("folder").asText());

        assertEquals(204, node.post("/api/v1/addresses/" + cleo + "/sieve/deactivate", "").statusCode());
        String kept = sendTo("kept", cleo);
        assertEquals("INBOX", mailboxes.awaitMessage(cleo, kept).get("folder").asText());
    }

    @Test
    void theAdminApiStoresListsAndRefusesWhatItCannotTake() throws IOException {
        String dora = "dora@" + DOMAIN;
        node.createMailbox(dora);
        String path = "/api/v1/addresses/" + dora + "/sieve";
        assertEquals("{\"scripts\":[],\"active\":null}", node.get(path).body());

        assertError(400, "line 2, column 1: unknown command \"filein\"", putScript(dora, "bad", "require \"fileinto\";\n"
                + "filein \"x\";\n"));
        assertEquals(201, putScript(dora, "one", "keep;\n").statusCode());
        assertEquals(200, putScript(dora, "one", "discard;\n").statusCode());
        HttpResponse<String> text = node.get(path + "/one");
        assertEquals("discard;\n", text.body());
        assertEquals("application/sieve", text.headers().firstValue("Content-Type").orElse(""));
        assertEquals(201, putScript(dora, "Ferien%20%C3%BCber", "keep;\n").statusCode());
        assertEquals(204, node.post(path + "/one/activate", "").statusCode());
        assertEquals("{\"scripts\":[{\"name\":\"one\",\"size\":9,\"active\":true},"
                + "{\"name\":\"Ferien über\",\"size\":6,\"active\":false}],\"active\":\"one\"}",
                node.get(path).body());

        assertError(400, "a script name cannot contain control characters or line or paragraph separators",
                putScript(dora, "tab%09name", "keep;\n"));
        assertError(400, "a script name is at most 128 characters", putScript(dora, "x".repeat(129), "keep;\n"));
        assertError(404, "no script named two", node.get(path + "/two"));
        assertError(404, "no script named two", node.post(path + "/two/activate", ""));
        assertError(404, "no address nobody@" + DOMAIN, node.get("/api/v1/addresses/nobody@" + DOMAIN + "/sieve"));
        assertError(415, "the request body must be a Sieve script, sent with Content-Type: application/sieve",
                node.put(path + "/one", "keep;"));
        assertError(413, "the request body is too large: at most 65536 bytes",
                putScript(dora, "big", "#" + "x".repeat(65536) + "\n"));

        // The operator may delete the active script (ManageSieve may not): none is active then.
        assertEquals(204, node.delete(path + "/one").statusCode());
        assertEquals("{\"scripts\":[{\"name\":\"Ferien über\",\"size\":6,\"active\":false}],\"active\":null}",
                node.get(path).body());
        for (int i = 1; i < 16; i++) {
            assertEquals(201, putScript(dora, "s" + i, "keep;\n").statusCode());
        }
        assertError(400, "an address keeps at most 16 scripts; delete one first", putScript(dora, "s16", "keep;\n"));

        // Deleting the address deletes its scripts: an address of that name starts without any.
        assertEquals(204, node.delete("/api/v1/domains/" + DOMAIN + "/addresses/dora").statusCode());
        node.createMailbox(dora);
        assertEquals("{\"scripts\":[],\"active\":null}", node.get(path).body());
    }

    private static void assertError(int status, String error, HttpResponse<String> response) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, QueueApi.json(response).get("error").asText());
    }

    private static Set<String> folders(String address) throws IOException {
        JsonNode folders = QueueApi.json(node.get("/api/v1/mailboxes/" + address + "/folders"));
        Set<String> names = new TreeSet<>();
        folders.forEach(folder -> names.add(folder.get("name").asText()));
        return names;
    }
}
