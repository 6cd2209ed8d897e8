package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin routes of the mailbox features (issue 4) on a real node, over HTTP: the JSON each
 * returns, and the error each refusal gives, always {@code {"error": "..."}} naming the problem.
 * Each test works in a domain of its own.
 */
class AddressAdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DOMAINS = new AtomicInteger();
    private static final String PASSWORD = "secret-password";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // --- the address ---

    @Test
    void aNewAddressShowsEachOfItsSettings() {
        String domain = newDomain();
        HttpResponse<String> created = node.post(addresses(domain),
                "{\"localPart\":\"anna\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode anna = json(created);
        assertEquals(List.of("address", "localPart", "domain", "type", "disabled", "aliases", "redirect", "backupCopy",
                "timeZone", "activeResponder", "createdAt"), fieldNames(anna));
        assertEquals("anna@" + domain, anna.get("address").asText());
        assertEquals("anna", anna.get("localPart").asText());
        assertEquals(domain, anna.get("domain").asText());
        assertEquals("mailbox", anna.get("type").asText());
        assertEquals(false, anna.get("disabled").asBoolean());
        assertEquals(JSON.createArrayNode(), anna.get("aliases"));
        assertTrue(anna.get("redirect").isNull());
        assertTrue(anna.get("backupCopy").isNull());
        assertEquals("UTC", anna.get("timeZone").asText());
        assertTrue(anna.get("activeResponder").isNull());
        Instant.parse(anna.get("createdAt").asText());

        HttpResponse<String> read = node.get(address("ANNA@" + domain.toUpperCase()));
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(anna, json(read), "addresses compare case-insensitively");
    }

    @Test
    void aNoReplyAddressIsCreatedByTypeAndRefusesMail() throws IOException {
        String domain = newDomain();
        HttpResponse<String> created = node.post(addresses(domain),
                "{\"localPart\":\"no-reply\",\"password\":\"" + PASSWORD + "\",\"type\":\"no-reply\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("no-reply", json(created).get("type").asText());
        HttpResponse<String> mailbox = node.post(addresses(domain),
                "{\"localPart\":\"anna\",\"password\":\"" + PASSWORD + "\",\"type\":\"mailbox\"}");
        assertEquals("mailbox", json(mailbox).get("type").asText());

        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
            assertEquals("550 5.1.1 <no-reply@" + domain + ">: Recipient address rejected: no-reply@" + domain
                    + " does not receive mail", smtp.command("RCPT TO:<no-reply@" + domain + ">"));
        }

        assertError(400, "field 'type' must be \"mailbox\" or \"no-reply\", not \"robot\"", node.post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"type\":\"robot\"}"));
        assertError(400, "field 'type' must be a string", node.post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"type\":1}"));
        assertError(400, "unknown field 'kind'; expected localPart, password, type", node.post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"kind\":\"no-reply\"}"));
        assertEquals(404, node.get(address("bot@" + domain)).statusCode());
    }

    @Test
    void patchDisablesTheAddressAndSetsItsTimeZone() throws IOException {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");

        JsonNode disabled = patched(anna, "{\"disabled\":true}");
        assertEquals(true, disabled.get("disabled").asBoolean());
        assertEquals("UTC", disabled.get("timeZone").asText());
        assertEquals("550 5.1.1 <" + anna + ">: Recipient address rejected: account disabled", rcpt(anna));

        JsonNode zoned = patched(anna, "{\"timeZone\":\"Europe/Paris\"}");
        assertEquals(true, zoned.get("disabled").asBoolean(), "absent fields stay as they are");
        assertEquals("Europe/Paris", zoned.get("timeZone").asText());

        JsonNode both = patched(anna, "{\"disabled\":false,\"timeZone\":\"UTC\"}");
        assertEquals(false, both.get("disabled").asBoolean());
        assertEquals("UTC", both.get("timeZone").asText());
        assertEquals(json(node.get(address(anna))), both);
        assertEquals(RECIPIENT_OK, rcpt(anna));
    }

    @Test
    void aRefusedPatchNamesTheProblemAndChangesNothing() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");

        assertError(400, "unknown field 'colour'; expected disabled, timeZone",
                node.patch(address(anna), "{\"colour\":\"blue\"}"));
        assertError(400, "time zone 'Mars/Olympus' is not a zone id such as UTC or Europe/Paris",
                node.patch(address(anna), "{\"timeZone\":\"Mars/Olympus\"}"));
        assertError(400, "time zone 'Mars/Olympus' is not a zone id such as UTC or Europe/Paris",
                node.patch(address(anna), "{\"disabled\":true,\"timeZone\":\"Mars/Olympus\"}"));
        assertError(400, "nothing to change: give disabled, timeZone or both", node.patch(address(anna), "{}"));
        assertError(400, "field 'disabled' must be true or false", node.patch(address(anna), "{\"disabled\":\"yes\"}"));
        assertError(400, "field 'timeZone' must be a string", node.patch(address(anna), "{\"timeZone\":1}"));
        assertError(400, "field 'disabled' must be true or false", node.patch(address(anna), "{\"disabled\":null}"));
        assertError(400, "field 'timeZone' must be a string", node.patch(address(anna), "{\"timeZone\":null}"));
        assertError(400, "field 'disabled' must be true or false",
                node.patch(address(anna), "{\"timeZone\":\"Europe/Paris\",\"disabled\":\"yes\"}"));
        assertError(400, "field 'timeZone' must be a string",
                node.patch(address(anna), "{\"disabled\":true,\"timeZone\":null}"));
        assertError(400, "request body must be a JSON object", node.patch(address(anna), "[true]"));
        JsonNode unchanged = json(node.get(address(anna)));
        assertEquals(false, unchanged.get("disabled").asBoolean(), "a refused PATCH changes nothing");
        assertEquals("UTC", unchanged.get("timeZone").asText());

        assertError(404, "no address nobody@" + domain, node.patch(address("nobody@" + domain), "{\"disabled\":true}"));
        assertError(404, "no address nobody@" + domain, node.get(address("nobody@" + domain)));
        HttpResponse<String> notAnAddress = node.get(address("not-an-address"));
        assertEquals(400, notAnAddress.statusCode(), notAnAddress.body());
        assertTrue(error(notAnAddress).startsWith("'not-an-address' is not an address: "), notAnAddress.body());
    }

    // --- aliases ---

    @Test
    void aliasesAreAddedListedAndRemoved() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        newAddress(domain, "bob");
        assertEquals(JSON.createArrayNode(), json(node.get(address(anna) + "/aliases")));

        HttpResponse<String> added = node.post(address(anna) + "/aliases", "{\"localPart\":\"jps\"}");
        assertEquals(201, added.statusCode(), added.body());
        JsonNode jps = object("{\"localPart\":\"jps\",\"address\":\"jps@" + domain + "\"}");
        assertEquals(jps, json(added));
        assertEquals(201, node.post(address(anna) + "/aliases", "{\"localPart\":\"Anna.A\"}").statusCode());
        JsonNode annaA = object("{\"localPart\":\"Anna.A\",\"address\":\"Anna.A@" + domain + "\"}");
        assertEquals(JSON.createArrayNode().add(jps).add(annaA), json(node.get(address(anna) + "/aliases")));
        assertEquals(JSON.createArrayNode().add("jps").add("Anna.A"), json(node.get(address(anna))).get("aliases"));

        assertError(409, "jps@" + domain + " is an alias of anna@" + domain,
                node.post(address(anna) + "/aliases", "{\"localPart\":\"JPS\"}"));
        assertError(409, "address bob@" + domain + " exists already",
                node.post(address(anna) + "/aliases", "{\"localPart\":\"bob\"}"));
        assertError(409, "jps@" + domain + " is an alias of anna@" + domain, node.post(addresses(domain),
                "{\"localPart\":\"jps\",\"password\":\"" + PASSWORD + "\"}"));
        assertError(400, "local part may not contain ' ' (space); only letters A-Z, digits, '-', '_' and '.'"
                + " are allowed",
                node.post(address(anna) + "/aliases", "{\"localPart\":\"j ps\"}"));
        assertError(400, "field 'localPart' is required", node.post(address(anna) + "/aliases", "{}"));
        assertError(400, "unknown field 'alias'; expected localPart",
                node.post(address(anna) + "/aliases", "{\"alias\":\"x\"}"));
        assertError(404, "no address nobody@" + domain,
                node.post(address("nobody@" + domain) + "/aliases", "{\"localPart\":\"x\"}"));

        assertEquals(204, node.delete(address(anna) + "/aliases/jps").statusCode());
        assertError(404, "jps@" + domain + " is not an alias of anna@" + domain,
                node.delete(address(anna) + "/aliases/jps"));
        assertEquals(JSON.createArrayNode().add(annaA), json(node.get(address(anna) + "/aliases")));
        assertEquals(201, node.post(addresses(domain), "{\"localPart\":\"jps\",\"password\":\"" + PASSWORD + "\"}")
                .statusCode(), "a removed alias frees its local part");
    }

    @Test
    void anAddressHasAtMostFiftyAliases() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> added = node.post(address(anna) + "/aliases", "{\"localPart\":\"alias" + i + "\"}");
            assertEquals(201, added.statusCode(), added.body());
        }
        assertError(400, anna + " has 50 aliases, the most an address may have",
                node.post(address(anna) + "/aliases", "{\"localPart\":\"alias50\"}"));
        assertEquals(50, json(node.get(address(anna) + "/aliases")).size());
    }

    // --- redirect and backup copy ---

    @Test
    void aRedirectIsSetShownAndRemoved() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        String tara = newAddress(domain, "tara");
        String redirect = address(anna) + "/redirect";
        assertError(404, anna + " has no redirect", node.get(redirect));

        HttpResponse<String> set = node.put(redirect, "{\"targets\":[\"Tara@" + domain.toUpperCase()
                + "\",\"x@elsewhere.example\"],\"keepCopy\":true}");
        assertEquals(200, set.statusCode(), set.body());
        JsonNode expected = object("{\"targets\":[\"" + tara + "\",\"x@elsewhere.example\"],\"keepCopy\":true}");
        assertEquals(expected, json(set));
        assertEquals(expected, json(node.get(redirect)));
        assertEquals(expected, json(node.get(address(anna))).get("redirect"));

        assertError(400, "field 'keepCopy' is required", node.put(redirect, "{\"targets\":[\"x@elsewhere.example\"]}"));
        assertError(400, "field 'keepCopy' is required",
                node.put(redirect, "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":null}"));
        assertEquals(expected, json(node.get(redirect)), "a PUT without keepCopy changes nothing");
        HttpResponse<String> replaced = node.put(redirect,
                "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(object("{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}"), json(replaced));

        assertError(400, "a redirect needs at least one target",
                node.put(redirect, "{\"targets\":[],\"keepCopy\":true}"));
        assertError(400, "field 'targets' is required", node.put(redirect, "{\"keepCopy\":true}"));
        assertError(400, "field 'targets' must be an array of strings", node.put(redirect, "{\"targets\":\"x@y.z\"}"));
        assertError(400, "field 'keepCopy' must be true or false",
                node.put(redirect, "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":\"yes\"}"));
        assertError(400, "unknown field 'target'; expected keepCopy, targets",
                node.put(redirect, "{\"target\":[\"x@elsewhere.example\"]}"));
        assertError(400, "redirect target " + anna + " is the address itself",
                node.put(redirect, "{\"targets\":[\"" + anna + "\"],\"keepCopy\":true}"));
        assertError(400, "redirect target nobody@" + domain + " is not an address that receives mail here",
                node.put(redirect, "{\"targets\":[\"nobody@" + domain + "\"],\"keepCopy\":true}"));
        HttpResponse<String> notAnAddress = node.put(redirect,
                "{\"targets\":[\"not an address\"],\"keepCopy\":true}");
        assertEquals(400, notAnAddress.statusCode(), notAnAddress.body());
        assertTrue(error(notAnAddress).startsWith("redirect target 'not an address' is not an address: "),
                notAnAddress.body());
        assertEquals(object("{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}"), json(node.get(redirect)),
                "refused changes change nothing");

        assertEquals(204, node.delete(redirect).statusCode());
        assertError(404, anna + " has no redirect", node.get(redirect));
        assertError(404, anna + " has no redirect", node.delete(redirect));
        assertTrue(json(node.get(address(anna))).get("redirect").isNull());
        assertError(404, "no address nobody@" + domain, node.get(address("nobody@" + domain) + "/redirect"));
    }

    @Test
    void aBackupCopyIsSetShownAndRemoved() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        String backup = address(anna) + "/backup-copy";
        assertError(404, anna + " has no backup copy", node.get(backup));

        HttpResponse<String> set = node.put(backup, "{\"address\":\"Archive@Elsewhere.example\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(object("{\"address\":\"archive@elsewhere.example\"}"), json(set));
        assertEquals(object("{\"address\":\"archive@elsewhere.example\"}"), json(node.get(backup)));
        assertEquals("archive@elsewhere.example", json(node.get(address(anna))).get("backupCopy").asText());

        assertError(400, "backup copy " + anna + " is the address itself",
                node.put(backup, "{\"address\":\"" + anna + "\"}"));
        assertError(400, "backup copy nobody@" + domain + " is not an address that receives mail here",
                node.put(backup, "{\"address\":\"nobody@" + domain + "\"}"));
        assertError(400, "field 'address' is required", node.put(backup, "{}"));
        assertError(400, "unknown field 'target'; expected address", node.put(backup, "{\"target\":\"x@y.example\"}"));

        assertEquals(204, node.delete(backup).statusCode());
        assertError(404, anna + " has no backup copy", node.get(backup));
        assertError(404, anna + " has no backup copy", node.delete(backup));
        assertTrue(json(node.get(address(anna))).get("backupCopy").isNull());
    }

    // --- sender lists ---

    @Test
    void senderListsAreReplacedWholeAndWarnAboutTheOwnAddress() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        assertEquals(201, node.post(address(anna) + "/aliases", "{\"localPart\":\"jps\"}").statusCode());
        String lists = address(anna) + "/lists";
        JsonNode empty = object("{\"allow\":[],\"block\":[],\"blocked\":\"spam\",\"warnings\":[]}");
        assertEquals(empty, json(node.get(lists)));

        HttpResponse<String> set = node.put(lists, "{\"allow\":[\"Friend@Partner.Example\",\"@Partner.Example\","
                + "\"friend@partner.example\",\"JPS@" + domain + "\"],\"block\":[\"@spam.example\"],"
                + "\"blocked\":\"reject\"}");
        assertEquals(200, set.statusCode(), set.body());
        String stored = "{\"allow\":[\"friend@partner.example\",\"@partner.example\",\"jps@" + domain + "\"],"
                + "\"block\":[\"@spam.example\"],\"blocked\":\"reject\",\"warnings\":[%s]}";
        assertEquals(object(stored.formatted("\"the allow list contains jps@" + domain + ", the address's own address:"
                + " mail forged with it would skip the spam verdict\"")), json(set));
        assertEquals(object(stored.formatted("")), json(node.get(lists)), "warnings come with the change only");

        assertError(400, "field 'blocked' must be \"spam\" or \"reject\", not \"drop\"",
                node.put(lists, "{\"blocked\":\"drop\"}"));
        assertError(400, "unknown field 'deny'; expected allow, block, blocked", node.put(lists, "{\"deny\":[]}"));
        HttpResponse<String> badEntry = node.put(lists, "{\"allow\":[\"not an address\"]}");
        assertEquals(400, badEntry.statusCode(), badEntry.body());
        assertTrue(error(badEntry)
                .startsWith("allow list entry 'not an address' is neither an address nor an @domain: "),
                badEntry.body());
        assertEquals(object(stored.formatted("")), json(node.get(lists)), "refused changes change nothing");

        HttpResponse<String> cleared = node.put(lists, "{}");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertEquals(empty, json(cleared));
    }

    // --- responders ---

    @Test
    void respondersAreCreatedReplacedActivatedAndDeleted() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        String responders = address(anna) + "/responders";
        assertEquals(JSON.createArrayNode(), json(node.get(responders)));

        HttpResponse<String> plain = node.post(responders, "{\"name\":\"Holidays\",\"text\":\"Away.\"}");
        assertEquals(201, plain.statusCode(), plain.body());
        JsonNode holidays = object("{\"id\":\"1\",\"name\":\"Holidays\",\"text\":\"Away.\",\"subject\":null,"
                + "\"start\":null,\"end\":null,\"weekdays\":[],\"from\":null,\"exclude\":[],\"active\":false}");
        assertEquals(holidays, json(plain));

        String full = "{\"name\":\"Fridays\",\"text\":\"Not on Fridays.\",\"subject\":\"Out of office\","
                + "\"start\":\"2026-12-20T08:00\",\"end\":\"2027-01-04T08:00:00+01:00\",\"weekdays\":[\"FRIDAY\","
                + "\"SATURDAY\"],\"from\":\"" + anna + "\",\"exclude\":[\"boss@example.com\",\"@example.org\"]}";
        HttpResponse<String> created = node.post(responders, full);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode fridays = object(full.replace("{\"name\"", "{\"id\":\"2\",\"name\"").replace("]}", "],"
                + "\"active\":false}"));
        assertEquals(fridays, json(created));
        assertEquals(JSON.createArrayNode().add(holidays).add(fridays), json(node.get(responders)));
        assertEquals(fridays, json(node.get(responders + "/2")));

        HttpResponse<String> activated = post(responders + "/2/activate");
        assertEquals(200, activated.statusCode(), activated.body());
        assertEquals(true, json(activated).get("active").asBoolean());
        assertEquals("2", json(node.get(address(anna))).get("activeResponder").asText());

        HttpResponse<String> replaced = node.put(responders + "/2", "{\"name\":\"Fridays off\",\"text\":\"Off.\"}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(object("{\"id\":\"2\",\"name\":\"Fridays off\",\"text\":\"Off.\",\"subject\":null,"
                + "\"start\":null,\"end\":null,\"weekdays\":[],\"from\":null,\"exclude\":[],\"active\":true}"),
                json(replaced), "replacing keeps the id and the activation");

        HttpResponse<String> other = post(responders + "/1/activate");
        assertEquals(true, json(other).get("active").asBoolean());
        assertEquals(false, json(node.get(responders + "/2")).get("active").asBoolean());
        HttpResponse<String> deactivated = post(responders + "/1/deactivate");
        assertEquals(200, deactivated.statusCode(), deactivated.body());
        assertEquals(false, json(deactivated).get("active").asBoolean());
        assertTrue(json(node.get(address(anna))).get("activeResponder").isNull());

        post(responders + "/2/activate");
        assertEquals(204, node.delete(responders + "/2").statusCode());
        assertTrue(json(node.get(address(anna))).get("activeResponder").isNull(), "the active one was deleted");
        assertEquals(JSON.createArrayNode().add(holidays), json(node.get(responders)));
        HttpResponse<String> third = node.post(responders, "{\"name\":\"Third\",\"text\":\"Away.\"}");
        assertEquals("3", json(third).get("id").asText(), "ids are never reused");

        assertEquals(204, post(responders + "/reset").statusCode());
        assertError(404, "no responder 2 for " + anna, node.get(responders + "/2"));
        assertError(404, "no responder 2 for " + anna, node.put(responders + "/2", "{\"name\":\"x\",\"text\":\"x\"}"));
        assertError(404, "no responder 2 for " + anna, node.delete(responders + "/2"));
        assertError(404, "no responder 2 for " + anna, post(responders + "/2/activate"));
        assertError(404, "no responder 2 for " + anna, post(responders + "/2/deactivate"));
        String nobody = address("nobody@" + domain) + "/responders";
        assertError(404, "no address nobody@" + domain, node.get(nobody));
        assertError(404, "no address nobody@" + domain, node.post(nobody, "{\"name\":\"x\",\"text\":\"x\"}"));
        assertError(404, "no address nobody@" + domain, post(nobody + "/reset"));
    }

    @Test
    void aRefusedResponderNamesTheField() {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        String responders = address(anna) + "/responders";
        String iso = " is not an ISO-8601 date-time such as 2026-12-20T08:00 or 2026-12-20T08:00:00+01:00";

        assertError(400, "field 'text' is required", node.post(responders, "{\"name\":\"Away\"}"));
        assertError(400, "field 'name' is required", node.post(responders, "{\"text\":\"Away.\"}"));
        assertError(400, "name is missing", node.post(responders, "{\"name\":\" \",\"text\":\"Away.\"}"));
        assertError(400, "start 'tomorrow'" + iso, responder(responders, "\"start\":\"tomorrow\""));
        assertError(400, "start '2026-12-20'" + iso, responder(responders, "\"start\":\"2026-12-20\""));
        assertError(400, "end '2026-12-20T25:00'" + iso, responder(responders, "\"end\":\"2026-12-20T25:00\""));
        assertError(400, "end '2026-12-19T08:00' is not after start '2026-12-20T08:00'",
                responder(responders, "\"start\":\"2026-12-20T08:00\",\"end\":\"2026-12-19T08:00\""));
        assertError(400, "weekday 'FUNDAY' is not one of MONDAY to SUNDAY",
                responder(responders, "\"weekdays\":[\"MONDAY\",\"FUNDAY\"]"));
        assertError(400, "field 'weekdays' must be an array of strings",
                responder(responders, "\"weekdays\":\"MONDAY\""));
        assertError(400, "subject is blank; leave it out to answer with 'Auto: ' and the original subject",
                responder(responders, "\"subject\":\" \""));
        assertError(400, "from boss@example.com is neither the address nor one of its aliases",
                responder(responders, "\"from\":\"boss@example.com\""));
        HttpResponse<String> badFrom = responder(responders, "\"from\":\"not an address\"");
        assertEquals(400, badFrom.statusCode(), badFrom.body());
        assertTrue(error(badFrom).startsWith("from 'not an address' is not an address: "), badFrom.body());
        HttpResponse<String> badExclusion = responder(responders, "\"exclude\":[\"@example.org\",\"nope\"]");
        assertEquals(400, badExclusion.statusCode(), badExclusion.body());
        assertTrue(error(badExclusion).startsWith("exclude entry 'nope' is neither local@domain nor @domain: "),
                badExclusion.body());
        assertError(400, "unknown field 'body'; expected end, exclude, from, name, start, subject, text, weekdays",
                responder(responders, "\"body\":\"Away.\""));
        assertEquals(JSON.createArrayNode(), json(node.get(responders)), "nothing was stored");

        HttpResponse<String> created = node.post(responders, "{\"name\":\"Away\",\"text\":\"Away.\"}");
        String id = json(created).get("id").asText();
        assertError(400, "start 'soon'" + iso, node.put(responders + "/" + id,
                "{\"name\":\"Changed\",\"text\":\"Away.\",\"start\":\"soon\"}"));
        assertEquals("Away", json(node.get(responders + "/" + id)).get("name").asText(),
                "a refused PUT changes nothing");
    }

    // --- domains: alias domains, catch-all, maintenance ---

    @Test
    void aliasDomainsAreAddedListedAndRemoved() {
        String domain = newDomain();
        String alias = "alias-" + domain;
        String aliases = "/api/v1/domains/" + domain + "/aliases-domains";
        assertEquals(JSON.createArrayNode(), json(node.get(aliases)));

        HttpResponse<String> created = node.post(aliases, "{\"name\":\"" + alias + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode aliasJson = json(created);
        assertEquals(List.of("name", "createdAt", "aliasOf"), fieldNames(aliasJson));
        assertEquals(alias, aliasJson.get("name").asText());
        assertEquals(domain, aliasJson.get("aliasOf").asText());
        assertEquals(JSON.createArrayNode().add(aliasJson), json(node.get(aliases)));
        assertEquals(aliasJson, json(node.get("/api/v1/domains/" + alias)));

        assertError(409, "domain " + alias + " exists already", node.post(aliases, "{\"name\":\"" + alias + "\"}"));
        assertError(409, "domain " + domain + " exists already", node.post(aliases, "{\"name\":\"" + domain + "\"}"));
        assertError(400, "domain name 'nodot' must be a fully qualified name such as example.com",
                node.post(aliases, "{\"name\":\"nodot\"}"));
        assertError(400, "field 'name' is required", node.post(aliases, "{}"));
        assertError(400, "unknown field 'primary'; expected name",
                node.post(aliases, "{\"name\":\"other-" + domain + "\",\"primary\":\"" + domain + "\"}"));
        assertEquals(404, node.get("/api/v1/domains/other-" + domain).statusCode(), "nothing was created");
        assertError(400, alias + " is itself an alias domain",
                node.get("/api/v1/domains/" + alias + "/aliases-domains"));
        assertError(400, alias + " is an alias domain of " + domain + "; manage addresses there",
                node.post("/api/v1/domains/" + alias + "/aliases-domains", "{\"name\":\"other-" + domain + "\"}"));
        assertError(404, "no domain unknown-" + domain,
                node.get("/api/v1/domains/unknown-" + domain + "/aliases-domains"));
        assertError(404, "no domain unknown-" + domain, node.post("/api/v1/domains/unknown-" + domain
                + "/aliases-domains", "{\"name\":\"other-" + domain + "\"}"));
        assertError(409, "domain " + domain + " still has alias domains; delete them first",
                node.delete("/api/v1/domains/" + domain));

        String unrelated = newDomain();
        assertError(404, "no alias domain " + unrelated + " of " + domain, node.delete(aliases + "/" + unrelated));
        assertEquals(204, node.delete(aliases + "/" + alias).statusCode());
        assertError(404, "no alias domain " + alias + " of " + domain, node.delete(aliases + "/" + alias));
        assertEquals(JSON.createArrayNode(), json(node.get(aliases)));
        assertEquals(404, node.get("/api/v1/domains/" + alias).statusCode());
    }

    @Test
    void domainPatchSetsTheCatchAllAndMaintenance() throws IOException {
        String domain = newDomain();
        String anna = newAddress(domain, "anna");
        String path = "/api/v1/domains/" + domain;
        JsonNode initial = json(node.get(path));
        assertEquals(List.of("name", "createdAt", "catchAll", "maintenance"), fieldNames(initial));
        assertTrue(initial.get("catchAll").isNull());
        assertEquals(false, initial.get("maintenance").asBoolean());

        HttpResponse<String> catchAll = node.patch(path, "{\"catchAll\":\"ANNA\"}");
        assertEquals(200, catchAll.statusCode(), catchAll.body());
        JsonNode withCatchAll = json(catchAll);
        assertEquals("anna", withCatchAll.get("catchAll").asText());
        assertEquals(false, withCatchAll.get("maintenance").asBoolean());
        assertEquals(withCatchAll, json(node.get(path)));

        HttpResponse<String> maintenance = node.patch(path, "{\"maintenance\":true}");
        assertEquals(200, maintenance.statusCode(), maintenance.body());
        assertEquals("anna", json(maintenance).get("catchAll").asText(), "absent fields stay as they are");
        assertEquals(true, json(maintenance).get("maintenance").asBoolean());
        assertError(423, domain + " is in maintenance; its mailboxes cannot be read until maintenance ends",
                node.get("/api/v1/mailboxes/" + anna + "/messages"));
        assertEquals(RECIPIENT_OK, rcpt(anna), "a service in maintenance keeps receiving mail");

        HttpResponse<String> both = node.patch(path, "{\"catchAll\":null,\"maintenance\":false}");
        assertEquals(200, both.statusCode(), both.body());
        assertTrue(json(both).get("catchAll").isNull());
        assertEquals(false, json(both).get("maintenance").asBoolean());
        assertEquals(200, node.get("/api/v1/mailboxes/" + anna + "/messages").statusCode());

        node.patch(path, "{\"catchAll\":\"anna\"}");
        assertEquals(204, node.delete(addresses(domain) + "/anna").statusCode());
        assertTrue(json(node.get(path)).get("catchAll").isNull(), "deleting the catch-all address clears it");
    }

    @Test
    void aRefusedDomainPatchNamesTheProblemAndChangesNothing() {
        String domain = newDomain();
        String path = "/api/v1/domains/" + domain;
        assertEquals(201, node.post(addresses(domain),
                "{\"localPart\":\"no-reply\",\"password\":\"" + PASSWORD + "\",\"type\":\"no-reply\"}").statusCode());
        newAddress(domain, "info");

        assertError(400, "catch-all nobody@" + domain + " is not an address; create it first",
                node.patch(path, "{\"catchAll\":\"nobody\"}"));
        assertError(400, "catch-all no-reply@" + domain + " is a no-reply address",
                node.patch(path, "{\"catchAll\":\"no-reply\"}"));
        assertError(400, "catch-all nobody@" + domain + " is not an address; create it first",
                node.patch(path, "{\"catchAll\":\"nobody\",\"maintenance\":true}"));
        assertError(400, "nothing to change: give catchAll, maintenance or both", node.patch(path, "{}"));
        assertError(400, "unknown field 'catchall'; expected catchAll, maintenance",
                node.patch(path, "{\"catchall\":\"anna\"}"));
        assertError(400, "field 'maintenance' must be true or false", node.patch(path, "{\"maintenance\":\"yes\"}"));
        assertError(400, "field 'catchAll' must be a string", node.patch(path, "{\"catchAll\":5}"));
        assertError(400, "field 'maintenance' must be true or false",
                node.patch(path, "{\"catchAll\":\"info\",\"maintenance\":\"yes\"}"));
        assertError(400, "field 'maintenance' must be true or false", node.patch(path, "{\"maintenance\":null}"));
        assertError(400, "field 'maintenance' must be true or false",
                node.patch(path, "{\"catchAll\":\"info\",\"maintenance\":null}"));
        assertError(400, "field 'catchAll' must be a string",
                node.patch(path, "{\"maintenance\":true,\"catchAll\":[\"info\"]}"));
        JsonNode unchanged = json(node.get(path));
        assertTrue(unchanged.get("catchAll").isNull(), unchanged.toString());
        assertEquals(false, unchanged.get("maintenance").asBoolean(), "a refused PATCH changes nothing");

        assertError(404, "no domain unknown-" + domain,
                node.patch("/api/v1/domains/unknown-" + domain, "{\"maintenance\":true}"));
        String alias = "alias-" + domain;
        assertEquals(201, node.post(path + "/aliases-domains", "{\"name\":\"" + alias + "\"}").statusCode());
        assertError(400, alias + " is an alias domain of " + domain + "; manage addresses there",
                node.patch("/api/v1/domains/" + alias, "{\"maintenance\":true}"));
    }

    // --- helpers ---

    private static String newDomain() {
        String domain = "admin" + DOMAINS.incrementAndGet() + ".test";
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return domain;
    }

    private static String newAddress(String domain, String localPart) {
        HttpResponse<String> created = node.post(addresses(domain),
                "{\"localPart\":\"" + localPart + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return localPart + "@" + domain;
    }

    private static String addresses(String domain) {
        return "/api/v1/domains/" + domain + "/addresses";
    }

    private static String address(String address) {
        return "/api/v1/addresses/" + address;
    }

    private static JsonNode patched(String address, String json) {
        HttpResponse<String> response = node.patch(address(address), json);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static HttpResponse<String> post(String path) {
        return node.send(node.request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs a responder named Away with the text Away. and these extra fields. */
    private static HttpResponse<String> responder(String path, String fields) {
        return node.post(path, "{\"name\":\"Away\",\"text\":\"Away.\"," + fields + "}");
    }

    /** The reply to RCPT TO this address, in a new transaction. */
    private static String rcpt(String address) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
            return smtp.command("RCPT TO:<" + address + ">");
        }
    }

    /** The status, and a JSON body that is exactly {@code {"error": message}}. */
    private static void assertError(int status, String message, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response.body());
        assertEquals(JSON.createObjectNode().put("error", message), json(response));
    }

    private static String error(HttpResponse<String> response) {
        assertEquals(List.of("error"), fieldNames(json(response)), response.body());
        return json(response).get("error").asText();
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode object(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return QueueApi.json(response);
    }
}
