package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.address;
import static dev.postillion.mta.AdminCalls.addresses;
import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.error;
import static dev.postillion.mta.AdminCalls.fieldNames;
import static dev.postillion.mta.AdminCalls.json;
import static dev.postillion.mta.AdminCalls.object;
import static dev.postillion.mta.AdminCalls.JSON;
import static dev.postillion.mta.AdminCalls.PASSWORD;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin routes of an address's settings (issue 4) on a real node, over HTTP: the JSON each
 * returns, and the error each refusal gives, always {@code {"error": "..."}} naming the problem.
 * Each test works in a domain of its own.
 */
class AddressAdminApiTest {

    @RegisterExtension static final AdminCalls calls = new AdminCalls("address");

    // --- the address ---

    @Test
    void aNewAddressShowsEachOfItsSettings() {
        String domain = calls.newDomain();
        HttpResponse<String> created = calls.node().post(addresses(domain),
                "{\"localPart\":\"anna\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode anna = json(created);
        assertEquals(List.of("address", "localPart", "domain", "type", "disabled", "aliases", "redirect", "backupCopy",
                "spamFilter", "timeZone", "activeResponder", "createdAt"), fieldNames(anna));
        assertEquals("anna@" + domain, anna.get("address").asText());
        assertEquals("anna", anna.get("localPart").asText());
        assertEquals(domain, anna.get("domain").asText());
        assertEquals("mailbox", anna.get("type").asText());
        assertEquals(false, anna.get("disabled").asBoolean());
        assertEquals(JSON.createArrayNode(), anna.get("aliases"));
        assertTrue(anna.get("redirect").isNull());
        assertTrue(anna.get("backupCopy").isNull());
        assertEquals(true, anna.get("spamFilter").asBoolean(), "the spam filter is on by default (SPEC section 4)");
        assertEquals("UTC", anna.get("timeZone").asText());
        assertTrue(anna.get("activeResponder").isNull());
        Instant.parse(anna.get("createdAt").asText());

        HttpResponse<String> read = calls.node().get(address("ANNA@" + domain.toUpperCase()));
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(anna, json(read), "addresses compare case-insensitively");
    }

    /**
     * Many creations at once, as an operator's script sends them: every one is created. (Under
     * load this once failed a request with the blocking-call detector's 500, when handing the
     * password to the hashing threads waited for their queue's lock; the pools' queues take work
     * without one now. The contention is not reproduced at will here.)
     */
    @Test
    void addressesCreatedAtTheSameTimeAreAllCreated() {
        String domain = calls.newDomain();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> creations = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String localPart = "user" + i;
            creations.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> calls.node().post(addresses(domain),
                    "{\"localPart\":\"" + localPart + "\",\"password\":\"" + PASSWORD + "\"}")));
        }
        for (var creation : creations) {
            HttpResponse<String> created = creation.join();
            assertEquals(201, created.statusCode(), created.body());
        }
    }

    @Test
    void aNoReplyAddressIsCreatedByTypeAndRefusesMail() throws IOException {
        String domain = calls.newDomain();
        HttpResponse<String> created = calls.node().post(addresses(domain),
                "{\"localPart\":\"no-reply\",\"password\":\"" + PASSWORD + "\",\"type\":\"no-reply\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("no-reply", json(created).get("type").asText());
        HttpResponse<String> mailbox = calls.node().post(addresses(domain),
                "{\"localPart\":\"anna\",\"password\":\"" + PASSWORD + "\",\"type\":\"mailbox\"}");
        assertEquals("mailbox", json(mailbox).get("type").asText());

        try (SmtpClient smtp = connect(calls.node())) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
            assertEquals("550 5.1.1 <no-reply@" + domain + ">: Recipient address rejected: no-reply@" + domain
                    + " does not receive mail", smtp.command("RCPT TO:<no-reply@" + domain + ">"));
        }

        assertError(400, "field 'type' must be \"mailbox\" or \"no-reply\", not \"robot\"", calls.node().post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"type\":\"robot\"}"));
        assertError(400, "field 'type' must be a string", calls.node().post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"type\":1}"));
        assertError(400, "unknown field 'kind'; expected localPart, password, type", calls.node().post(addresses(domain),
                "{\"localPart\":\"bot\",\"password\":\"" + PASSWORD + "\",\"kind\":\"no-reply\"}"));
        assertEquals(404, calls.node().get(address("bot@" + domain)).statusCode());
    }

    @Test
    void patchDisablesTheAddressAndSetsItsTimeZone() throws IOException {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");

        JsonNode disabled = calls.patched(anna, "{\"disabled\":true}");
        assertEquals(true, disabled.get("disabled").asBoolean());
        assertEquals("UTC", disabled.get("timeZone").asText());
        assertEquals("550 5.1.1 <" + anna + ">: Recipient address rejected: account disabled", calls.rcpt(anna));

        JsonNode zoned = calls.patched(anna, "{\"timeZone\":\"Europe/Paris\"}");
        assertEquals(true, zoned.get("disabled").asBoolean(), "absent fields stay as they are");
        assertEquals("Europe/Paris", zoned.get("timeZone").asText());

        JsonNode both = calls.patched(anna, "{\"disabled\":false,\"timeZone\":\"UTC\"}");
        assertEquals(false, both.get("disabled").asBoolean());
        assertEquals("UTC", both.get("timeZone").asText());
        assertEquals(json(calls.node().get(address(anna))), both);
        assertEquals(RECIPIENT_OK, calls.rcpt(anna));

        JsonNode unfiltered = calls.patched(anna, "{\"spamFilter\":false}");
        assertEquals(false, unfiltered.get("spamFilter").asBoolean());
        assertEquals(false, unfiltered.get("disabled").asBoolean(), "absent fields stay as they are");
    }

    @Test
    void aRefusedPatchNamesTheProblemAndChangesNothing() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");

        assertError(400, "unknown field 'colour'; expected disabled, spamFilter, timeZone",
                calls.node().patch(address(anna), "{\"colour\":\"blue\"}"));
        assertError(400, "time zone 'Mars/Olympus' is not a zone id such as UTC or Europe/Paris",
                calls.node().patch(address(anna), "{\"timeZone\":\"Mars/Olympus\"}"));
        assertError(400, "time zone 'Mars/Olympus' is not a zone id such as UTC or Europe/Paris",
                calls.node().patch(address(anna), "{\"disabled\":true,\"timeZone\":\"Mars/Olympus\"}"));
        assertError(400, "nothing to change: give disabled, timeZone or spamFilter", calls.node().patch(address(anna), "{}"));
        assertError(400, "field 'disabled' must be true or false", calls.node().patch(address(anna), "{\"disabled\":\"yes\"}"));
        assertError(400, "field 'spamFilter' must be true or false",
                calls.node().patch(address(anna), "{\"spamFilter\":\"no\"}"));
        assertError(400, "field 'timeZone' must be a string", calls.node().patch(address(anna), "{\"timeZone\":1}"));
        assertError(400, "field 'disabled' must be true or false", calls.node().patch(address(anna), "{\"disabled\":null}"));
        assertError(400, "field 'timeZone' must be a string", calls.node().patch(address(anna), "{\"timeZone\":null}"));
        assertError(400, "field 'disabled' must be true or false",
                calls.node().patch(address(anna), "{\"timeZone\":\"Europe/Paris\",\"disabled\":\"yes\"}"));
        assertError(400, "field 'timeZone' must be a string",
                calls.node().patch(address(anna), "{\"disabled\":true,\"timeZone\":null}"));
        assertError(400, "request body must be a JSON object", calls.node().patch(address(anna), "[true]"));
        JsonNode unchanged = json(calls.node().get(address(anna)));
        assertEquals(false, unchanged.get("disabled").asBoolean(), "a refused PATCH changes nothing");
        assertEquals("UTC", unchanged.get("timeZone").asText());

        assertError(404, "no address nobody@" + domain, calls.node().patch(address("nobody@" + domain), "{\"disabled\":true}"));
        assertError(404, "no address nobody@" + domain, calls.node().get(address("nobody@" + domain)));
        HttpResponse<String> notAnAddress = calls.node().get(address("not-an-address"));
        assertEquals(400, notAnAddress.statusCode(), notAnAddress.body());
        assertTrue(error(notAnAddress).startsWith("'not-an-address' is not an address: "), notAnAddress.body());
    }

    // --- the password ---

    @Test
    void aPasswordIsChangedUnderTheStrengthRulesOrRefusedWithTheReason() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String route = address(anna) + "/password";

        assertError(400, "field 'password' is required", calls.node().put(route, "{}"));
        assertError(400, "unknown field 'passwd'; expected discardEncryptedMail, oldPassword, password",
                calls.node().put(route, "{\"passwd\":\"Another-Secret-9\"}"));
        assertTrue(error(calls.node().put(route, "{\"password\":\"short\"}")).contains("at least 8 characters"));
        assertError(404, "no address nobody@" + domain,
                calls.node().put(address("nobody@" + domain) + "/password", "{\"password\":\"Another-Secret-9\"}"));

        HttpResponse<String> changed = calls.node().put(route, "{\"password\":\"Another-Secret-9\"}");
        assertEquals(204, changed.statusCode(), changed.body());
        assertEquals("", changed.body());
    }

    // --- aliases ---

    @Test
    void aliasesAreAddedListedAndRemoved() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        calls.newAddress(domain, "bob");
        assertEquals(JSON.createArrayNode(), json(calls.node().get(address(anna) + "/aliases")));

        HttpResponse<String> added = calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"jps\"}");
        assertEquals(201, added.statusCode(), added.body());
        JsonNode jps = object("{\"localPart\":\"jps\",\"address\":\"jps@" + domain + "\"}");
        assertEquals(jps, json(added));
        assertEquals(201, calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"Anna.A\"}").statusCode());
        JsonNode annaA = object("{\"localPart\":\"Anna.A\",\"address\":\"Anna.A@" + domain + "\"}");
        assertEquals(JSON.createArrayNode().add(jps).add(annaA), json(calls.node().get(address(anna) + "/aliases")));
        assertEquals(JSON.createArrayNode().add("jps").add("Anna.A"), json(calls.node().get(address(anna))).get("aliases"));

        assertError(409, "jps@" + domain + " is an alias of anna@" + domain,
                calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"JPS\"}"));
        assertError(409, "address bob@" + domain + " exists already",
                calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"bob\"}"));
        assertError(409, "jps@" + domain + " is an alias of anna@" + domain, calls.node().post(addresses(domain),
                "{\"localPart\":\"jps\",\"password\":\"" + PASSWORD + "\"}"));
        assertError(400, "local part may not contain ' ' (space); only letters A-Z, digits, '-', '_' and '.'"
                + " are allowed",
                calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"j ps\"}"));
        assertError(400, "field 'localPart' is required", calls.node().post(address(anna) + "/aliases", "{}"));
        assertError(400, "unknown field 'alias'; expected localPart",
                calls.node().post(address(anna) + "/aliases", "{\"alias\":\"x\"}"));
        assertError(404, "no address nobody@" + domain,
                calls.node().post(address("nobody@" + domain) + "/aliases", "{\"localPart\":\"x\"}"));

        assertEquals(204, calls.node().delete(address(anna) + "/aliases/jps").statusCode());
        assertError(404, "jps@" + domain + " is not an alias of anna@" + domain,
                calls.node().delete(address(anna) + "/aliases/jps"));
        assertEquals(JSON.createArrayNode().add(annaA), json(calls.node().get(address(anna) + "/aliases")));
        assertEquals(201, calls.node().post(addresses(domain), "{\"localPart\":\"jps\",\"password\":\"" + PASSWORD + "\"}")
                .statusCode(), "a removed alias frees its local part");
    }

    @Test
    void anAddressHasAtMostFiftyAliases() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> added = calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"alias" + i + "\"}");
            assertEquals(201, added.statusCode(), added.body());
        }
        assertError(400, anna + " has 50 aliases, the most an address may have",
                calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"alias50\"}"));
        assertEquals(50, json(calls.node().get(address(anna) + "/aliases")).size());
    }

    // --- redirect and backup copy ---

    @Test
    void aRedirectIsSetShownAndRemoved() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String tara = calls.newAddress(domain, "tara");
        String redirect = address(anna) + "/redirect";
        assertError(404, anna + " has no redirect", calls.node().get(redirect));

        HttpResponse<String> set = calls.node().put(redirect, "{\"targets\":[\"Tara@" + domain.toUpperCase()
                + "\",\"x@elsewhere.example\"],\"keepCopy\":true}");
        assertEquals(200, set.statusCode(), set.body());
        JsonNode expected = object("{\"targets\":[\"" + tara + "\",\"x@elsewhere.example\"],\"keepCopy\":true}");
        assertEquals(expected, json(set));
        assertEquals(expected, json(calls.node().get(redirect)));
        assertEquals(expected, json(calls.node().get(address(anna))).get("redirect"));

        assertError(400, "field 'keepCopy' is required", calls.node().put(redirect, "{\"targets\":[\"x@elsewhere.example\"]}"));
        assertError(400, "field 'keepCopy' is required",
                calls.node().put(redirect, "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":null}"));
        assertEquals(expected, json(calls.node().get(redirect)), "a PUT without keepCopy changes nothing");
        HttpResponse<String> replaced = calls.node().put(redirect,
                "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(object("{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}"), json(replaced));

        assertError(400, "a redirect needs at least one target",
                calls.node().put(redirect, "{\"targets\":[],\"keepCopy\":true}"));
        assertError(400, "field 'targets' is required", calls.node().put(redirect, "{\"keepCopy\":true}"));
        assertError(400, "field 'targets' must be an array of strings", calls.node().put(redirect, "{\"targets\":\"x@y.z\"}"));
        assertError(400, "field 'keepCopy' must be true or false",
                calls.node().put(redirect, "{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":\"yes\"}"));
        assertError(400, "unknown field 'target'; expected keepCopy, targets",
                calls.node().put(redirect, "{\"target\":[\"x@elsewhere.example\"]}"));
        assertError(400, "redirect target " + anna + " is the address itself",
                calls.node().put(redirect, "{\"targets\":[\"" + anna + "\"],\"keepCopy\":true}"));
        assertError(400, "redirect target nobody@" + domain + " is not an address that receives mail here",
                calls.node().put(redirect, "{\"targets\":[\"nobody@" + domain + "\"],\"keepCopy\":true}"));
        HttpResponse<String> notAnAddress = calls.node().put(redirect,
                "{\"targets\":[\"not an address\"],\"keepCopy\":true}");
        assertEquals(400, notAnAddress.statusCode(), notAnAddress.body());
        assertTrue(error(notAnAddress).startsWith("redirect target 'not an address' is not an address: "),
                notAnAddress.body());
        assertEquals(object("{\"targets\":[\"x@elsewhere.example\"],\"keepCopy\":false}"), json(calls.node().get(redirect)),
                "refused changes change nothing");

        assertEquals(204, calls.node().delete(redirect).statusCode());
        assertError(404, anna + " has no redirect", calls.node().get(redirect));
        assertError(404, anna + " has no redirect", calls.node().delete(redirect));
        assertTrue(json(calls.node().get(address(anna))).get("redirect").isNull());
        assertError(404, "no address nobody@" + domain, calls.node().get(address("nobody@" + domain) + "/redirect"));
    }

    @Test
    void aBackupCopyIsSetShownAndRemoved() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String backup = address(anna) + "/backup-copy";
        assertError(404, anna + " has no backup copy", calls.node().get(backup));

        HttpResponse<String> set = calls.node().put(backup, "{\"address\":\"Archive@Elsewhere.example\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(object("{\"address\":\"archive@elsewhere.example\"}"), json(set));
        assertEquals(object("{\"address\":\"archive@elsewhere.example\"}"), json(calls.node().get(backup)));
        assertEquals("archive@elsewhere.example", json(calls.node().get(address(anna))).get("backupCopy").asText());

        assertError(400, "backup copy " + anna + " is the address itself",
                calls.node().put(backup, "{\"address\":\"" + anna + "\"}"));
        assertError(400, "backup copy nobody@" + domain + " is not an address that receives mail here",
                calls.node().put(backup, "{\"address\":\"nobody@" + domain + "\"}"));
        assertError(400, "field 'address' is required", calls.node().put(backup, "{}"));
        assertError(400, "unknown field 'target'; expected address", calls.node().put(backup, "{\"target\":\"x@y.example\"}"));

        assertEquals(204, calls.node().delete(backup).statusCode());
        assertError(404, anna + " has no backup copy", calls.node().get(backup));
        assertError(404, anna + " has no backup copy", calls.node().delete(backup));
        assertTrue(json(calls.node().get(address(anna))).get("backupCopy").isNull());
    }

    // --- sender lists ---

    @Test
    void senderListsAreReplacedWholeAndWarnAboutTheOwnAddress() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        assertEquals(201, calls.node().post(address(anna) + "/aliases", "{\"localPart\":\"jps\"}").statusCode());
        String lists = address(anna) + "/lists";
        JsonNode empty = object("{\"allow\":[],\"block\":[],\"blocked\":\"spam\",\"warnings\":[]}");
        assertEquals(empty, json(calls.node().get(lists)));

        HttpResponse<String> set = calls.node().put(lists, "{\"allow\":[\"Friend@Partner.Example\",\"@Partner.Example\","
                + "\"friend@partner.example\",\"JPS@" + domain + "\"],\"block\":[\"@spam.example\"],"
                + "\"blocked\":\"reject\"}");
        assertEquals(200, set.statusCode(), set.body());
        String stored = "{\"allow\":[\"friend@partner.example\",\"@partner.example\",\"jps@" + domain + "\"],"
                + "\"block\":[\"@spam.example\"],\"blocked\":\"reject\",\"warnings\":[%s]}";
        assertEquals(object(stored.formatted("\"the allow list contains jps@" + domain + ", the address's own address:"
                + " mail forged with it would skip the spam verdict\"")), json(set));
        assertEquals(object(stored.formatted("")), json(calls.node().get(lists)), "warnings come with the change only");

        assertError(400, "field 'blocked' must be \"spam\" or \"reject\", not \"drop\"",
                calls.node().put(lists, "{\"blocked\":\"drop\"}"));
        assertError(400, "unknown field 'deny'; expected allow, block, blocked", calls.node().put(lists, "{\"deny\":[]}"));
        HttpResponse<String> badEntry = calls.node().put(lists, "{\"allow\":[\"not an address\"]}");
        assertEquals(400, badEntry.statusCode(), badEntry.body());
        assertTrue(error(badEntry)
                .startsWith("allow list entry 'not an address' is neither an address nor an @domain: "),
                badEntry.body());
        assertEquals(object(stored.formatted("")), json(calls.node().get(lists)), "refused changes change nothing");

        HttpResponse<String> cleared = calls.node().put(lists, "{}");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertEquals(empty, json(cleared));
    }

}
