package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk creation of addresses from CSV and their export (SPEC section 1) on a real node: each line
 * created or refused with its reason, the created addresses receiving mail over SMTP, the 50 per
 * 24 hours quota on an injected clock. Each test works in a domain of its own, as the quota is
 * counted per service.
 */
class AddressImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DOMAINS = new AtomicInteger();
    private static final String HEADER = "local part,password,redirect target,keep flag\r\n";
    private static final String PASSWORD = "Str0ng-Passw0rd";

    @TempDir static Path dataDir;
    static MutableClock clock;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.parse("2026-05-04T09:00:00Z"));
        node = TestNode.start(dataDir, Map.of(), clock);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void eachLineIsCreatedOrRefusedWithItsReason() throws Exception {
        String domain = newDomain();
        node.createMailbox("taken@" + domain);
        String csv = HEADER
                + "anna," + PASSWORD + ",,\r\n"
                + "anna..alpha," + PASSWORD + ",,\r\n"
                + "bad!name," + PASSWORD + "\r\n"
                + "short,Sh0rt!\r\n"
                + "samey,aaaa1111aaaa\r\n"
                + "lower,onlylowercase\r\n"
                + "anna,0ther-Passw0rd,,\r\n"
                + "taken," + PASSWORD + ",,\r\n"
                + "carl," + PASSWORD + ",taken@" + domain + ",2\r\n"
                + "dora," + PASSWORD + ",,1\r\n"
                + "emil," + PASSWORD + ",nobody@" + domain + ",1\r\n"
                + "fred," + PASSWORD + ",taken@" + domain + ",1\r\n"
                + "gina," + PASSWORD + ",taken@" + domain + ",0\r\n"
                + "hans," + PASSWORD + ",Someone@Elsewhere.example\r\n"
                + "ivan," + PASSWORD + ",,,extra\r\n"
                + "\r\n"
                + "Jo_Ann-2," + PASSWORD + "\r\n";

        HttpResponse<String> response = node.postCsv(importPath(domain), csv);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = json(response);
        assertEquals(5, result.get("created").asInt(), response.body());
        assertEquals(11, result.get("refused").asInt(), response.body());
        assertEquals(45, result.get("remaining").asInt(), response.body());
        String only = "; only letters A-Z, digits, '-', '_' and '.' are allowed";
        List<JsonNode> expected = List.of(
                created(2, "anna"),
                refused(3, "anna..alpha", "local part may not contain two dots in a row"),
                refused(4, "bad!name", "local part may not contain '!'" + only),
                refused(5, "short", "password must be at least 8 characters long"),
                refused(6, "samey", "password is too weak: it needs at least 5 different characters"),
                refused(7, "lower", "password is too weak: mix letters with digits, capitals or symbols"),
                refused(8, "anna", "address anna@" + domain + " is on an earlier line"),
                refused(9, "taken", "address taken@" + domain + " exists already"),
                refused(10, "carl", "keep flag '2' must be 0 (keep a copy) or 1 (do not)"),
                refused(11, "dora", "keep flag given without a redirect target"),
                refused(12, "emil", "redirect target nobody@" + domain
                        + " is not an address that receives mail here"),
                created(13, "fred"),
                created(14, "gina"),
                created(15, "hans"),
                refused(16, "ivan", "has 5 columns; expected local part, password, redirect target, keep flag"),
                created(18, "Jo_Ann-2"));
        List<JsonNode> lines = new ArrayList<>();
        result.get("lines").forEach(lines::add);
        assertEquals(expected, lines);

        List<String> addresses = new ArrayList<>();
        json(node.get("/api/v1/domains/" + domain + "/addresses"))
                .forEach(address -> addresses.add(address.get("address").asText()));
        assertEquals(List.of("anna", "fred", "gina", "hans", "Jo_Ann-2", "taken").stream()
                .map(local -> local + "@" + domain).toList(), addresses);
        assertEquals(JSON.readTree("{\"targets\":[\"taken@" + domain + "\"],\"keepCopy\":false}"),
                json(node.get("/api/v1/addresses/fred@" + domain)).get("redirect"));
        assertEquals(JSON.readTree("{\"targets\":[\"taken@" + domain + "\"],\"keepCopy\":true}"),
                json(node.get("/api/v1/addresses/gina@" + domain)).get("redirect"));
        assertEquals(JSON.readTree("{\"targets\":[\"someone@elsewhere.example\"],\"keepCopy\":true}"),
                json(node.get("/api/v1/addresses/hans@" + domain)).get("redirect"), "no keep flag: a copy is kept");
        assertTrue(json(node.get("/api/v1/addresses/anna@" + domain)).get("redirect").isNull());
    }

    @Test
    void importedAddressesReceiveMailAndTheirRedirectsWork() throws Exception {
        String domain = newDomain();
        String target = "tara@" + domain;
        node.createMailbox(target);
        HttpResponse<String> response = node.postCsv(importPath(domain), HEADER
                + "anna," + PASSWORD + ",,\r\n"
                + "fred," + PASSWORD + "," + target + ",1\r\n"
                + "gina," + PASSWORD + "," + target + ",0\r\n");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(3, json(response).get("created").asInt(), response.body());

        String anna = "anna@" + domain;
        String fred = "fred@" + domain;
        String gina = "gina@" + domain;
        String toAnna;
        String toGina;
        try (SmtpClient smtp = connect(node)) {
            toAnna = send(smtp, "<someone@sender.test>", message("to anna"), anna);
            send(smtp, "<someone@sender.test>", message("to fred"), fred);
            toGina = send(smtp, "<someone@sender.test>", message("to gina"), gina);
        }

        assertEquals("to anna", mailboxes.awaitMessage(anna, toAnna).get("subject").asText());
        assertEquals("to gina", mailboxes.awaitMessage(gina, toGina).get("subject").asText());
        mailboxes.awaitSubject(target, "to fred", 1);
        mailboxes.awaitSubject(target, "to gina", 1);
        assertEquals(List.of(), mailboxes.messages(fred), "keep flag 1: no copy kept");
        assertEquals(1, mailboxes.messages(gina).size(), "keep flag 0: a copy kept");
        assertEquals(2, mailboxes.messages(target).size());
        assertEquals(1, mailboxes.messages(anna).size());
    }

    /** Only a line that is created takes its address: a corrected line after a refused one is created. */
    @Test
    void aRefusedLineDoesNotTakeItsAddress() {
        String domain = newDomain();
        HttpResponse<String> response = node.postCsv(importPath(domain), HEADER
                + "anna,weak\r\n"
                + "anna," + PASSWORD + "\r\n"
                + "anna,0ther-Passw0rd\r\n");
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        json(response).get("lines").forEach(lines::add);
        assertEquals(List.of(
                refused(2, "anna", "password must be at least 8 characters long"),
                created(3, "anna"),
                refused(4, "anna", "address anna@" + domain + " is on an earlier line")), lines);
    }

    /** A file may create an address and, on a later line, another that redirects to it. */
    @Test
    void aRedirectMayGoToAnAddressCreatedEarlierInTheFile() throws Exception {
        String domain = newDomain();
        HttpResponse<String> response = node.postCsv(importPath(domain), HEADER
                + "anna," + PASSWORD + "\r\n"
                + "info," + PASSWORD + ",anna@" + domain + ",1\r\n"
                + "bad..one," + PASSWORD + "\r\n"
                + "sales," + PASSWORD + ",bad..one@" + domain + ",1\r\n");
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        json(response).get("lines").forEach(lines::add);
        assertEquals(created(3, "info"), lines.get(1));
        assertEquals("refused", lines.get(3).get("status").asText(), "its target was refused: " + lines.get(3));

        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<someone@sender.test>", message("to info"), "info@" + domain);
        }
        mailboxes.awaitSubject("anna@" + domain, "to info", 1);
        assertEquals(List.of(), mailboxes.messages("info@" + domain), id + " kept no copy");
    }

    @Test
    void theServiceMayCreateFiftyAddressesPer24Hours() throws Exception {
        String domain = newDomain();
        HttpResponse<String> first = node.postCsv(importPath(domain), csvOf("a", 48));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(48, json(first).get("created").asInt());
        assertEquals(2, json(first).get("remaining").asInt());

        HttpResponse<String> tooMany = node.postCsv(importPath(domain), csvOf("b", 3));
        assertEquals(429, tooMany.statusCode(), tooMany.body());
        JsonNode refusal = json(tooMany);
        assertEquals("the import would create 3 addresses, but the service may create only 2 more now;"
                + " nothing was created", refusal.get("error").asText());
        assertEquals(2, refusal.get("remaining").asInt());
        assertEquals(3, refusal.get("requested").asInt());
        assertEquals(48, addressCount(domain), "nothing was created");

        HttpResponse<String> lastTwo = node.postCsv(importPath(domain), csvOf("c", 2) + "c9,weak\r\n");
        assertEquals(200, lastTwo.statusCode(), lastTwo.body());
        assertEquals(2, json(lastTwo).get("created").asInt());
        assertEquals(1, json(lastTwo).get("refused").asInt());
        assertEquals(0, json(lastTwo).get("remaining").asInt());
        assertEquals(50, addressCount(domain));

        HttpResponse<String> full = node.postCsv(importPath(domain), csvOf("d", 1));
        assertEquals(429, full.statusCode(), full.body());
        assertEquals(0, json(full).get("remaining").asInt());
        assertTrue(json(full).get("error").asText().endsWith("nothing was created"), full.body());
        assertEquals(404, node.get("/api/v1/addresses/d0@" + domain).statusCode());

        HttpResponse<String> onlyRefusals = node.postCsv(importPath(domain), HEADER + "e..0," + PASSWORD + "\r\n");
        assertEquals(200, onlyRefusals.statusCode(), onlyRefusals.body());
        assertEquals(0, json(onlyRefusals).get("created").asInt());
        assertEquals(0, json(onlyRefusals).get("remaining").asInt());

        clock.advance(Duration.ofHours(23));
        assertEquals(429, node.postCsv(importPath(domain), csvOf("f", 1)).statusCode(), "23 hours later");
        clock.advance(Duration.ofHours(1));
        HttpResponse<String> dayLater = node.postCsv(importPath(domain), csvOf("g", 1));
        assertEquals(200, dayLater.statusCode(), dayLater.body());
        assertEquals(1, json(dayLater).get("created").asInt());
        assertEquals(49, json(dayLater).get("remaining").asInt());
        assertEquals(51, addressCount(domain));
    }

    @Test
    void theQuotaIsPerService() {
        String full = newDomain();
        String other = newDomain();
        assertEquals(200, node.postCsv(importPath(full), csvOf("a", 50)).statusCode());
        assertEquals(429, node.postCsv(importPath(full), csvOf("b", 1)).statusCode());
        HttpResponse<String> elsewhere = node.postCsv(importPath(other), csvOf("a", 1));
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertEquals(49, json(elsewhere).get("remaining").asInt());
    }

    @Test
    void theExportListsAddressesWithRedirectsAndKeepFlagsButNoPasswords() {
        String domain = newDomain();
        node.createMailbox("tara@" + domain);
        HttpResponse<String> imported = node.postCsv(importPath(domain), HEADER
                + "anna," + PASSWORD + ",,\r\n"
                + "fred," + PASSWORD + ",tara@" + domain + ",1\r\n"
                + "gina," + PASSWORD + ",\"tara@" + domain + " x@elsewhere.example\",0\r\n");
        assertEquals(3, json(imported).get("created").asInt(), imported.body());

        HttpResponse<String> export = node.get("/api/v1/domains/" + domain + "/addresses/export");

        assertEquals(200, export.statusCode(), export.body());
        assertEquals("text/csv; charset=UTF-8", export.headers().firstValue("Content-Type").orElse(""));
        assertEquals(HEADER
                + "anna,,,\r\n"
                + "fred,,tara@" + domain + ",1\r\n"
                + "gina,,tara@" + domain + " x@elsewhere.example,0\r\n"
                + "tara,,,\r\n", export.body());
    }

    @Test
    void semicolonsSeparateFieldsWhenTheHeaderHasNoComma() {
        String domain = newDomain();
        node.createMailbox("tara@" + domain);
        String csv = "local part;password;redirect target;keep flag\n"
                + "anna;\"Pass;w0rd \"\"quoted\"\"\";;\n"
                + "\"fred\";\"Str0ng,Passw0rd\";\"tara@" + domain + "\";\"1\"\n"
                + "gina;" + PASSWORD + ";tara@" + domain + ",x@elsewhere.example;0\n";

        HttpResponse<String> response = node.postCsv(importPath(domain), csv);

        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        json(response).get("lines").forEach(lines::add);
        assertEquals(created(2, "anna"), lines.get(0));
        assertEquals(created(3, "fred"), lines.get(1));
        assertEquals("refused", lines.get(2).get("status").asText(), "a comma is no separator here");
        assertEquals("tara@" + domain, json(node.get("/api/v1/addresses/fred@" + domain))
                .get("redirect").get("targets").get(0).asText());
        assertEquals(false, json(node.get("/api/v1/addresses/fred@" + domain)).get("redirect")
                .get("keepCopy").asBoolean());
    }

    @Test
    void quotedFieldsMayHoldCommasAndQuotes() {
        String domain = newDomain();
        String csv = HEADER
                + "\"anna\",\"Pass,w0rd \"\"quoted\"\"\",,\r\n"
                + "\"bert\",\"" + PASSWORD + "\",\"\",\"\"\r\n"
                + "carl," + PASSWORD + "\r\n";

        HttpResponse<String> response = node.postCsv(importPath(domain), csv);

        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        json(response).get("lines").forEach(lines::add);
        assertEquals(List.of(created(2, "anna"), created(3, "bert"), created(4, "carl")), lines);
    }

    /** A line is reported by the line it starts on, counting the line breaks inside quoted fields. */
    @Test
    void aQuotedLineBreakCountsInTheLineNumbers() {
        String domain = newDomain();
        String csv = HEADER
                + "anna,\"Multi\r\nline-Passw0rd\",,\r\n"
                + "bert..x," + PASSWORD + "\r\n"
                + "carl," + PASSWORD + "\r\n";

        HttpResponse<String> response = node.postCsv(importPath(domain), csv);

        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        json(response).get("lines").forEach(lines::add);
        assertEquals(List.of(refused(2, "anna", "password may not contain control characters"),
                refused(4, "bert..x", "local part may not contain two dots in a row"),
                created(5, "carl")), lines);
    }

    @Test
    void badRequestsAreRefusedWithAJsonError() {
        String domain = newDomain();
        HttpResponse<String> empty = node.postCsv(importPath(domain), HEADER);
        assertEquals(400, empty.statusCode(), empty.body());
        assertEquals("the CSV has no address lines; expected a header row (local part,password,redirect target,"
                + "keep flag) and one line per address", json(empty).get("error").asText());

        String header = "the first line must be the header row: local part,password,redirect target,keep flag";
        HttpResponse<String> headless = node.postCsv(importPath(domain), "anna," + PASSWORD + "\r\n"
                + "bert," + PASSWORD + "\r\n");
        assertEquals(400, headless.statusCode(), headless.body());
        assertEquals(JSON.createObjectNode().put("error", header), json(headless));
        assertEquals(0, addressCount(domain), "a file without its header is refused as a whole");
        HttpResponse<String> nothing = node.postCsv(importPath(domain), "");
        assertEquals(400, nothing.statusCode(), nothing.body());
        assertEquals(JSON.createObjectNode().put("error", header), json(nothing));

        HttpResponse<String> unknown = node.postCsv(importPath("unknown-" + domain), csvOf("a", 1));
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("no domain unknown-" + domain, json(unknown).get("error").asText());

        String alias = "alias-" + domain;
        assertEquals(201, node.post("/api/v1/domains/" + domain + "/aliases-domains",
                "{\"name\":\"" + alias + "\"}").statusCode());
        HttpResponse<String> toAlias = node.postCsv(importPath(alias), csvOf("a", 1));
        assertEquals(400, toAlias.statusCode(), toAlias.body());
        assertEquals(alias + " is an alias domain of " + domain + "; manage addresses there",
                json(toAlias).get("error").asText());

        HttpResponse<String> exportUnknown = node.get("/api/v1/domains/unknown-" + domain + "/addresses/export");
        assertEquals(404, exportUnknown.statusCode(), exportUnknown.body());
        assertEquals("no domain unknown-" + domain, json(exportUnknown).get("error").asText());
    }

    // --- helpers ---

    private static String newDomain() {
        String domain = "import" + DOMAINS.incrementAndGet() + ".test";
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return domain;
    }

    private static String importPath(String domain) {
        return "/api/v1/domains/" + domain + "/addresses/import";
    }

    /** A CSV creating {@code count} plain addresses {@code prefix0}, {@code prefix1}... */
    private static String csvOf(String prefix, int count) {
        return HEADER + IntStream.range(0, count).mapToObj(i -> prefix + i + "," + PASSWORD + "\r\n")
                .collect(Collectors.joining());
    }

    private static int addressCount(String domain) {
        HttpResponse<String> list = node.get("/api/v1/domains/" + domain + "/addresses");
        assertEquals(200, list.statusCode(), list.body());
        return json(list).size();
    }

    private static JsonNode created(int line, String localPart) {
        return JSON.createObjectNode().put("line", line).put("localPart", localPart).put("status", "created");
    }

    private static JsonNode refused(int line, String localPart, String reason) {
        return JSON.createObjectNode().put("line", line).put("localPart", localPart).put("status", "refused")
                .put("reason", reason);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return QueueApi.json(response);
    }
}
