package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.address;
import static dev.postillion.mta.AdminCalls.addresses;
import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.fieldNames;
import static dev.postillion.mta.AdminCalls.json;
import static dev.postillion.mta.AdminCalls.JSON;
import static dev.postillion.mta.AdminCalls.PASSWORD;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin routes of a domain's settings on a real node, over HTTP: alias domains, the catch-all
 * and maintenance, and the errors of refused changes.
 */
class DomainSettingsApiTest {

    @RegisterExtension static final AdminCalls calls = new AdminCalls("domain");

    // --- domains: alias domains, catch-all, maintenance ---

    @Test
    void aliasDomainsAreAddedListedAndRemoved() {
        String domain = calls.newDomain();
        String alias = "alias-" + domain;
        String aliases = "/api/v1/domains/" + domain + "/aliases-domains";
        assertEquals(JSON.createArrayNode(), json(calls.node().get(aliases)));

        HttpResponse<String> created = calls.node().post(aliases, "{\"name\":\"" + alias + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode aliasJson = json(created);
        assertEquals(List.of("name", "createdAt", "aliasOf"), fieldNames(aliasJson));
        assertEquals(alias, aliasJson.get("name").asText());
        assertEquals(domain, aliasJson.get("aliasOf").asText());
        assertEquals(JSON.createArrayNode().add(aliasJson), json(calls.node().get(aliases)));
        assertEquals(aliasJson, json(calls.node().get("/api/v1/domains/" + alias)));

        assertError(409, "domain " + alias + " exists already", calls.node().post(aliases, "{\"name\":\"" + alias + "\"}"));
        assertError(409, "domain " + domain + " exists already", calls.node().post(aliases, "{\"name\":\"" + domain + "\"}"));
        assertError(400, "domain name 'nodot' must be a fully qualified name such as example.com",
                calls.node().post(aliases, "{\"name\":\"nodot\"}"));
        assertError(400, "field 'name' is required", calls.node().post(aliases, "{}"));
        assertError(400, "unknown field 'primary'; expected name",
                calls.node().post(aliases, "{\"name\":\"other-" + domain + "\",\"primary\":\"" + domain + "\"}"));
        assertEquals(404, calls.node().get("/api/v1/domains/other-" + domain).statusCode(), "nothing was created");
        assertError(400, alias + " is itself an alias domain",
                calls.node().get("/api/v1/domains/" + alias + "/aliases-domains"));
        assertError(400, alias + " is an alias domain of " + domain + "; manage addresses there",
                calls.node().post("/api/v1/domains/" + alias + "/aliases-domains", "{\"name\":\"other-" + domain + "\"}"));
        assertError(404, "no domain unknown-" + domain,
                calls.node().get("/api/v1/domains/unknown-" + domain + "/aliases-domains"));
        assertError(404, "no domain unknown-" + domain, calls.node().post("/api/v1/domains/unknown-" + domain
                + "/aliases-domains", "{\"name\":\"other-" + domain + "\"}"));
        assertError(409, "domain " + domain + " still has alias domains; delete them first",
                calls.node().delete("/api/v1/domains/" + domain));

        String unrelated = calls.newDomain();
        assertError(404, "no alias domain " + unrelated + " of " + domain, calls.node().delete(aliases + "/" + unrelated));
        assertEquals(204, calls.node().delete(aliases + "/" + alias).statusCode());
        assertError(404, "no alias domain " + alias + " of " + domain, calls.node().delete(aliases + "/" + alias));
        assertEquals(JSON.createArrayNode(), json(calls.node().get(aliases)));
        assertEquals(404, calls.node().get("/api/v1/domains/" + alias).statusCode());
    }

    @Test
    void domainPatchSetsTheCatchAllAndMaintenance() throws IOException {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String path = "/api/v1/domains/" + domain;
        JsonNode initial = json(calls.node().get(path));
        assertEquals(List.of("name", "createdAt", "service", "catchAll", "maintenance"), fieldNames(initial));
        assertTrue(initial.get("catchAll").isNull());
        assertEquals(false, initial.get("maintenance").asBoolean());

        HttpResponse<String> catchAll = calls.node().patch(path, "{\"catchAll\":\"ANNA\"}");
        assertEquals(200, catchAll.statusCode(), catchAll.body());
        JsonNode withCatchAll = json(catchAll);
        assertEquals("anna", withCatchAll.get("catchAll").asText());
        assertEquals(false, withCatchAll.get("maintenance").asBoolean());
        assertEquals(withCatchAll, json(calls.node().get(path)));

        HttpResponse<String> maintenance = calls.node().patch(path, "{\"maintenance\":true}");
        assertEquals(200, maintenance.statusCode(), maintenance.body());
        assertEquals("anna", json(maintenance).get("catchAll").asText(), "absent fields stay as they are");
        assertEquals(true, json(maintenance).get("maintenance").asBoolean());
        assertError(423, domain + " is in maintenance; its mailboxes cannot be read until maintenance ends",
                calls.node().get("/api/v1/mailboxes/" + anna + "/messages"));
        assertEquals(RECIPIENT_OK, calls.rcpt(anna), "a service in maintenance keeps receiving mail");

        HttpResponse<String> both = calls.node().patch(path, "{\"catchAll\":null,\"maintenance\":false}");
        assertEquals(200, both.statusCode(), both.body());
        assertTrue(json(both).get("catchAll").isNull());
        assertEquals(false, json(both).get("maintenance").asBoolean());
        assertEquals(200, calls.node().get("/api/v1/mailboxes/" + anna + "/messages").statusCode());

        calls.node().patch(path, "{\"catchAll\":\"anna\"}");
        assertEquals(204, calls.node().delete(addresses(domain) + "/anna").statusCode());
        assertTrue(json(calls.node().get(path)).get("catchAll").isNull(), "deleting the catch-all address clears it");
    }

    @Test
    void aRefusedDomainPatchNamesTheProblemAndChangesNothing() {
        String domain = calls.newDomain();
        String path = "/api/v1/domains/" + domain;
        assertEquals(201, calls.node().post(addresses(domain),
                "{\"localPart\":\"no-reply\",\"password\":\"" + PASSWORD + "\",\"type\":\"no-reply\"}").statusCode());
        calls.newAddress(domain, "info");

        assertError(400, "catch-all nobody@" + domain + " is not an address; create it first",
                calls.node().patch(path, "{\"catchAll\":\"nobody\"}"));
        assertError(400, "catch-all no-reply@" + domain + " is a no-reply address",
                calls.node().patch(path, "{\"catchAll\":\"no-reply\"}"));
        assertError(400, "catch-all nobody@" + domain + " is not an address; create it first",
                calls.node().patch(path, "{\"catchAll\":\"nobody\",\"maintenance\":true}"));
        assertError(400, "nothing to change: give catchAll, maintenance or both, or service", calls.node().patch(path, "{}"));
        assertError(400, "unknown field 'catchall'; expected catchAll, maintenance, service",
                calls.node().patch(path, "{\"catchall\":\"anna\"}"));
        assertError(400, "field 'maintenance' must be true or false", calls.node().patch(path, "{\"maintenance\":\"yes\"}"));
        assertError(400, "field 'catchAll' must be a string", calls.node().patch(path, "{\"catchAll\":5}"));
        assertError(400, "field 'maintenance' must be true or false",
                calls.node().patch(path, "{\"catchAll\":\"info\",\"maintenance\":\"yes\"}"));
        assertError(400, "field 'maintenance' must be true or false", calls.node().patch(path, "{\"maintenance\":null}"));
        assertError(400, "field 'maintenance' must be true or false",
                calls.node().patch(path, "{\"catchAll\":\"info\",\"maintenance\":null}"));
        assertError(400, "field 'catchAll' must be a string",
                calls.node().patch(path, "{\"maintenance\":true,\"catchAll\":[\"info\"]}"));
        JsonNode unchanged = json(calls.node().get(path));
        assertTrue(unchanged.get("catchAll").isNull(), unchanged.toString());
        assertEquals(false, unchanged.get("maintenance").asBoolean(), "a refused PATCH changes nothing");

        assertError(404, "no domain unknown-" + domain,
                calls.node().patch("/api/v1/domains/unknown-" + domain, "{\"maintenance\":true}"));
        String alias = "alias-" + domain;
        assertEquals(201, calls.node().post(path + "/aliases-domains", "{\"name\":\"" + alias + "\"}").statusCode());
        assertError(400, alias + " is an alias domain of " + domain + "; manage addresses there",
                calls.node().patch("/api/v1/domains/" + alias, "{\"maintenance\":true}"));
    }

}
