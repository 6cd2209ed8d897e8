package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.json;
import static dev.postillion.mta.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/v1/services} on a real node (SPEC section 1): services own domains and a quota of
 * addresses, refused beyond it for one address and for a CSV import, raised, lowered; domains
 * join a service when created and move between services; a service owning domains is not deleted.
 */
class ServiceAdminApiTest {

    @RegisterExtension static final AdminCalls calls = new AdminCalls("svc");

    private static final String CSV_HEADER = "local part,password,redirect target,keep flag\r\n";

    @Test
    void aServiceIsCreatedShownChangedAndDeleted() {
        HttpResponse<String> created = calls.node().post("/api/v1/services", "{\"name\":\"Plan-A\",\"addressQuota\":2}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode service = json(created);
        assertEquals(object("{\"name\":\"plan-a\",\"addressQuota\":2,\"addresses\":0,\"domains\":[],\"maintenance\":false,"
                + "\"sendingLimits\":{},\"createdAt\":\""
                + service.get("createdAt").asText() + "\"}"), service);
        assertEquals(service, json(calls.node().get("/api/v1/services/PLAN-A")));
        assertEquals(List.of(service), listed("plan-a"));

        HttpResponse<String> unlimited = calls.node().patch("/api/v1/services/plan-a", "{\"addressQuota\":null}");
        assertEquals(200, unlimited.statusCode(), unlimited.body());
        assertEquals("null", json(unlimited).get("addressQuota").toString());
        HttpResponse<String> changed = calls.node().patch("/api/v1/services/plan-a",
                "{\"maintenance\":true,\"sendingLimits\":{\"recipientsPerDay\":300,\"messagesPerHour\":20}}");
        assertEquals(200, changed.statusCode(), changed.body());
        JsonNode shown = json(calls.node().get("/api/v1/services/plan-a"));
        assertEquals(json(changed), shown);
        assertEquals("null", shown.get("addressQuota").toString(), "a field left out stays as it is");
        assertTrue(shown.get("maintenance").asBoolean());
        assertEquals("{\"messagesPerHour\":20,\"recipientsPerDay\":300}", shown.get("sendingLimits").toString());

        assertEquals(204, calls.node().delete("/api/v1/services/plan-a").statusCode());
        assertError(404, "no service plan-a", calls.node().get("/api/v1/services/plan-a"));
        assertError(404, "no service plan-a", calls.node().delete("/api/v1/services/plan-a"));
    }

    @Test
    void badServiceRequestsAreRefusedNamingTheProblem() {
        calls.node().post("/api/v1/services", "{\"name\":\"taken\",\"addressQuota\":1}");
        Map.of("{\"name\":\"Taken\",\"addressQuota\":1}", "409 service taken exists already",
                "{\"name\":\"new\"}", "400 field 'addressQuota' is required: a whole number, or null for no limit",
                "{\"name\":\"new\",\"addressQuota\":-1}",
                "400 field 'addressQuota' must be a whole number from 0, or null for no limit",
                "{\"name\":\"a/b\",\"addressQuota\":1}",
                "400 service name 'a/b' contains '/': only letters A-Z, digits, '-', '_' and '.' are allowed",
                "{\"name\":\"new\",\"quota\":1}", "400 unknown field 'quota'; expected addressQuota, name")
                .forEach((body, refusal) -> assertError(Integer.parseInt(refusal.substring(0, 3)), refusal.substring(4),
                        calls.node().post("/api/v1/services", body)));
        assertError(400, "field 'addressQuota' must be a whole number from 0, or null for no limit",
                calls.node().patch("/api/v1/services/taken", "{\"addressQuota\":\"10\"}"));
        assertError(404, "no service new", calls.node().get("/api/v1/services/new"));
        assertError(400, "no service nope; create it first",
                calls.node().post("/api/v1/domains", "{\"name\":\"nope.test\",\"service\":\"nope\"}"));
        assertError(404, "no domain nope.test", calls.node().get("/api/v1/domains/nope.test"));
    }

    @Test
    void addressesBeyondTheQuotaAreRefusedOneByOneAndByCsvUntilItIsRaised() {
        calls.node().post("/api/v1/services", "{\"name\":\"plan-b\",\"addressQuota\":2}");
        HttpResponse<String> domain = calls.node().post("/api/v1/domains",
                "{\"name\":\"b1.svc.test\",\"service\":\"plan-b\"}");
        assertEquals(201, domain.statusCode(), domain.body());
        assertEquals("plan-b", json(domain).get("service").asText());
        calls.node().post("/api/v1/domains", "{\"name\":\"b2.svc.test\",\"service\":\"plan-b\"}");
        calls.newAddress("b1.svc.test", "anna");
        calls.newAddress("b2.svc.test", "bob");

        assertError(409, "service plan-b has reached its quota of 2 addresses; raise the quota to create more",
                calls.node().post(AdminCalls.addresses("b2.svc.test"),
                        "{\"localPart\":\"carl\",\"password\":\"" + AdminCalls.PASSWORD + "\"}"));
        assertError(404, "no address carl@b2.svc.test", calls.node().get(AdminCalls.address("carl@b2.svc.test")));

        calls.node().patch("/api/v1/services/plan-b", "{\"addressQuota\":3}");
        assertError(409, "service plan-b has 2 of its quota of 3 addresses: 2 more would exceed it; raise the quota"
                + " to create more", calls.node().postCsv(AdminCalls.addresses("b1.svc.test") + "/import",
                        CSV_HEADER + "dora,Str0ng-Passw0rd,,\r\nemil,Str0ng-Passw0rd,,\r\n"));
        assertEquals(1, json(calls.node().get(AdminCalls.addresses("b1.svc.test"))).size(), "nothing created");

        HttpResponse<String> imported = calls.node().postCsv(AdminCalls.addresses("b1.svc.test") + "/import",
                CSV_HEADER + "dora,Str0ng-Passw0rd,,\r\n");
        assertEquals(200, imported.statusCode(), imported.body());
        JsonNode service = json(calls.node().get("/api/v1/services/plan-b"));
        assertEquals(3, service.get("addresses").asInt());
        assertEquals("[\"b1.svc.test\",\"b2.svc.test\"]", service.get("domains").toString());

        // Lowered below what it has: taken, and nothing is created until it has fewer.
        HttpResponse<String> lowered = calls.node().patch("/api/v1/services/plan-b", "{\"addressQuota\":1}");
        assertEquals(200, lowered.statusCode(), lowered.body());
        assertEquals(3, json(lowered).get("addresses").asInt());
        assertError(409, "service plan-b has reached its quota of 1 addresses; raise the quota to create more",
                calls.node().post(AdminCalls.addresses("b2.svc.test"),
                        "{\"localPart\":\"carl\",\"password\":\"" + AdminCalls.PASSWORD + "\"}"));
    }

    @Test
    void aDomainMovesToAnotherServiceWithItsAddressesAndAServiceOwningDomainsStays() {
        String domain = calls.newDomain();
        calls.newAddress(domain, "anna");
        assertEquals(domain, json(calls.node().get("/api/v1/domains/" + domain)).get("service").asText());
        calls.node().post("/api/v1/services", "{\"name\":\"tiny\",\"addressQuota\":0}");
        calls.node().post("/api/v1/services", "{\"name\":\"roomy\",\"addressQuota\":5}");

        assertError(409, "service tiny has reached its quota of 0 addresses; raise the quota to create more",
                calls.node().patch("/api/v1/domains/" + domain, "{\"service\":\"tiny\"}"));
        assertError(400, "field 'service' moves the domain and is given alone, without catchAll or maintenance",
                calls.node().patch("/api/v1/domains/" + domain, "{\"service\":\"roomy\",\"maintenance\":true}"));
        HttpResponse<String> moved = calls.node().patch("/api/v1/domains/" + domain, "{\"service\":\"Roomy\"}");
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals("roomy", json(moved).get("service").asText());
        assertEquals(1, json(calls.node().get("/api/v1/services/roomy")).get("addresses").asInt());
        assertEquals(0, json(calls.node().get("/api/v1/services/" + domain)).get("addresses").asInt());

        assertError(409, "service roomy still owns 1 domain(s): " + domain + "; delete them or move them to another"
                + " service first", calls.node().delete("/api/v1/services/roomy"));
        assertEquals(204, calls.node().delete("/api/v1/services/" + domain).statusCode(), "it owns no domain now");
    }

    private static List<JsonNode> listed(String name) {
        List<JsonNode> services = new ArrayList<>();
        json(calls.node().get("/api/v1/services")).forEach(service -> {
            if (service.get("name").asText().equals(name)) {
                services.add(service);
            }
        });
        return services;
    }
}
