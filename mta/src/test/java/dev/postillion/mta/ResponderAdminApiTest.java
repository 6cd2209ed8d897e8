package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.address;
import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.error;
import static dev.postillion.mta.AdminCalls.json;
import static dev.postillion.mta.AdminCalls.object;
import static dev.postillion.mta.AdminCalls.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin routes of responders (SPEC section 3) on a real node, over HTTP: created inactive,
 * replaced, activated one at a time, deleted, and each refusal naming its field.
 */
class ResponderAdminApiTest {

    @RegisterExtension static final AdminCalls calls = new AdminCalls("responder");

    // --- responders ---

    @Test
    void respondersAreCreatedReplacedActivatedAndDeleted() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String responders = address(anna) + "/responders";
        assertEquals(JSON.createArrayNode(), json(calls.node().get(responders)));

        HttpResponse<String> plain = calls.node().post(responders, "{\"name\":\"Holidays\",\"text\":\"Away.\"}");
        assertEquals(201, plain.statusCode(), plain.body());
        JsonNode holidays = object("{\"id\":\"1\",\"name\":\"Holidays\",\"text\":\"Away.\",\"subject\":null,"
                + "\"start\":null,\"end\":null,\"weekdays\":[],\"from\":null,\"exclude\":[],\"active\":false}");
        assertEquals(holidays, json(plain));

        String full = "{\"name\":\"Fridays\",\"text\":\"Not on Fridays.\",\"subject\":\"Out of office\","
                + "\"start\":\"2026-12-20T08:00\",\"end\":\"2027-01-04T08:00:00+01:00\",\"weekdays\":[\"FRIDAY\","
                + "\"SATURDAY\"],\"from\":\"" + anna + "\",\"exclude\":[\"boss@example.com\",\"@example.org\"]}";
        HttpResponse<String> created = calls.node().post(responders, full);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode fridays = object(full.replace("{\"name\"", "{\"id\":\"2\",\"name\"").replace("]}", "],"
                + "\"active\":false}"));
        assertEquals(fridays, json(created));
        assertEquals(JSON.createArrayNode().add(holidays).add(fridays), json(calls.node().get(responders)));
        assertEquals(fridays, json(calls.node().get(responders + "/2")));

        HttpResponse<String> activated = calls.post(responders + "/2/activate");
        assertEquals(200, activated.statusCode(), activated.body());
        assertEquals(true, json(activated).get("active").asBoolean());
        assertEquals("2", json(calls.node().get(address(anna))).get("activeResponder").asText());

        HttpResponse<String> replaced = calls.node().put(responders + "/2", "{\"name\":\"Fridays off\",\"text\":\"Off.\"}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(object("{\"id\":\"2\",\"name\":\"Fridays off\",\"text\":\"Off.\",\"subject\":null,"
                + "\"start\":null,\"end\":null,\"weekdays\":[],\"from\":null,\"exclude\":[],\"active\":true}"),
                json(replaced), "replacing keeps the id and the activation");

        HttpResponse<String> other = calls.post(responders + "/1/activate");
        assertEquals(true, json(other).get("active").asBoolean());
        assertEquals(false, json(calls.node().get(responders + "/2")).get("active").asBoolean());
        HttpResponse<String> deactivated = calls.post(responders + "/1/deactivate");
        assertEquals(200, deactivated.statusCode(), deactivated.body());
        assertEquals(false, json(deactivated).get("active").asBoolean());
        assertTrue(json(calls.node().get(address(anna))).get("activeResponder").isNull());

        calls.post(responders + "/2/activate");
        assertEquals(204, calls.node().delete(responders + "/2").statusCode());
        assertTrue(json(calls.node().get(address(anna))).get("activeResponder").isNull(), "the active one was deleted");
        assertEquals(JSON.createArrayNode().add(holidays), json(calls.node().get(responders)));
        HttpResponse<String> third = calls.node().post(responders, "{\"name\":\"Third\",\"text\":\"Away.\"}");
        assertEquals("3", json(third).get("id").asText(), "ids are never reused");

        assertEquals(204, calls.post(responders + "/reset").statusCode());
        assertError(404, "no responder 2 for " + anna, calls.node().get(responders + "/2"));
        assertError(404, "no responder 2 for " + anna, calls.node().put(responders + "/2", "{\"name\":\"x\",\"text\":\"x\"}"));
        assertError(404, "no responder 2 for " + anna, calls.node().delete(responders + "/2"));
        assertError(404, "no responder 2 for " + anna, calls.post(responders + "/2/activate"));
        assertError(404, "no responder 2 for " + anna, calls.post(responders + "/2/deactivate"));
        String nobody = address("nobody@" + domain) + "/responders";
        assertError(404, "no address nobody@" + domain, calls.node().get(nobody));
        assertError(404, "no address nobody@" + domain, calls.node().post(nobody, "{\"name\":\"x\",\"text\":\"x\"}"));
        assertError(404, "no address nobody@" + domain, calls.post(nobody + "/reset"));
    }

    @Test
    void aRefusedResponderNamesTheField() {
        String domain = calls.newDomain();
        String anna = calls.newAddress(domain, "anna");
        String responders = address(anna) + "/responders";
        String iso = " is not an ISO-8601 date-time such as 2026-12-20T08:00 or 2026-12-20T08:00:00+01:00";

        assertError(400, "field 'text' is required", calls.node().post(responders, "{\"name\":\"Away\"}"));
        assertError(400, "field 'name' is required", calls.node().post(responders, "{\"text\":\"Away.\"}"));
        assertError(400, "name is missing", calls.node().post(responders, "{\"name\":\" \",\"text\":\"Away.\"}"));
        assertError(400, "start 'tomorrow'" + iso, calls.responder(responders, "\"start\":\"tomorrow\""));
        assertError(400, "start '2026-12-20'" + iso, calls.responder(responders, "\"start\":\"2026-12-20\""));
        assertError(400, "end '2026-12-20T25:00'" + iso, calls.responder(responders, "\"end\":\"2026-12-20T25:00\""));
        assertError(400, "end '2026-12-19T08:00' is not after start '2026-12-20T08:00'",
                calls.responder(responders, "\"start\":\"2026-12-20T08:00\",\"end\":\"2026-12-19T08:00\""));
        assertError(400, "weekday 'FUNDAY' is not one of MONDAY to SUNDAY",
                calls.responder(responders, "\"weekdays\":[\"MONDAY\",\"FUNDAY\"]"));
        assertError(400, "field 'weekdays' must be an array of strings",
                calls.responder(responders, "\"weekdays\":\"MONDAY\""));
        assertError(400, "subject is blank; leave it out to answer with 'Auto: ' and the original subject",
                calls.responder(responders, "\"subject\":\" \""));
        assertError(400, "from boss@example.com is neither the address nor one of its aliases",
                calls.responder(responders, "\"from\":\"boss@example.com\""));
        HttpResponse<String> badFrom = calls.responder(responders, "\"from\":\"not an address\"");
        assertEquals(400, badFrom.statusCode(), badFrom.body());
        assertTrue(error(badFrom).startsWith("from 'not an address' is not an address: "), badFrom.body());
        HttpResponse<String> badExclusion = calls.responder(responders, "\"exclude\":[\"@example.org\",\"nope\"]");
        assertEquals(400, badExclusion.statusCode(), badExclusion.body());
        assertTrue(error(badExclusion).startsWith("exclude entry 'nope' is neither local@domain nor @domain: "),
                badExclusion.body());
        assertError(400, "unknown field 'body'; expected end, exclude, from, name, start, subject, text, weekdays",
                calls.responder(responders, "\"body\":\"Away.\""));
        assertEquals(JSON.createArrayNode(), json(calls.node().get(responders)), "nothing was stored");

        HttpResponse<String> created = calls.node().post(responders, "{\"name\":\"Away\",\"text\":\"Away.\"}");
        String id = json(created).get("id").asText();
        assertError(400, "start 'soon'" + iso, calls.node().put(responders + "/" + id,
                "{\"name\":\"Changed\",\"text\":\"Away.\",\"start\":\"soon\"}"));
        assertEquals("Away", json(calls.node().get(responders + "/" + id)).get("name").asText(),
                "a refused PUT changes nothing");
    }

}
