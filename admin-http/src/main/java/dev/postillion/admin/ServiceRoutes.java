package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.MailService;
import dev.postillion.mailbox.MailServices;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * {@code /api/v1/services}: the mail services, each owning domains and a quota of addresses (SPEC
 * section 1). A domain names its service when it is created, or moves with {@code PATCH
 * /api/v1/domains/{domain}} ({@link DomainRoutes}). A service's maintenance applies to all its
 * domains, and its sending limits are the defaults of its addresses ({@link SendingLimitRoutes}).
 */
final class ServiceRoutes extends JsonRoutes {

    private static final Set<String> NEW_SERVICE = Set.of("name", "addressQuota");
    private static final Set<String> SERVICE_PATCH = Set.of("addressQuota", "maintenance", "sendingLimits");
    private static final String SERVICES = "/api/v1/services";
    private static final String SERVICE = SERVICES + "/{service}";

    private final Directory directory;
    private final SendingLimitsAdmin limits;

    /** @param limits names the sending limits, in the order the API shows them */
    ServiceRoutes(Directory directory, SendingLimitsAdmin limits) {
        this.directory = directory;
        this.limits = limits;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(SERVICES, "listServices", p -> respond(StatusCodes.OK, directory.services().list()
                        .thenApply(list -> list.stream().map(this::serviceJson).toList()))),
                Endpoint.post(SERVICES, "createService", p -> withJson(body -> {
                    Json.onlyFields(body, NEW_SERVICE);
                    return respond(StatusCodes.CREATED, directory.services().create(Json.requiredText(body, "name"),
                            Json.requiredLimit(body, "addressQuota")).thenApply(this::serviceJson));
                })),
                Endpoint.get(SERVICE, "getService", p -> respond(StatusCodes.OK,
                        directory.services().get(p.get("service")).thenApply(this::serviceJson))),
                Endpoint.patch(SERVICE, "updateService", p -> withJson(body -> respond(StatusCodes.OK,
                        directory.services().update(p.get("service"), change(body)).thenApply(this::serviceJson)))),
                Endpoint.delete(SERVICE, "deleteService", p ->
                        respondEmpty(directory.services().delete(p.get("service")))));
    }

    /**
     * {@code {"addressQuota": n|null, "maintenance": bool, "sendingLimits": {...}|null}}, any of
     * them: absent fields stay as they are. In {@code sendingLimits} a limit named is set (0: no
     * limit) or, null, removed, so that the node's applies again; the others stay. A null
     * {@code sendingLimits} removes them all.
     */
    private MailServices.Change change(JsonNode body) {
        Json.onlyFields(body, SERVICE_PATCH);
        if (body.isEmpty()) {
            throw ApiError.badRequest("nothing to change: give addressQuota, maintenance or sendingLimits");
        }
        Optional<OptionalInt> quota = body.has("addressQuota")
                ? Optional.of(Json.requiredLimit(body, "addressQuota")) : Optional.empty();
        return new MailServices.Change(quota, Json.optionalBoolean(body, "maintenance"), sendingLimits(body));
    }

    private Map<String, OptionalInt> sendingLimits(JsonNode body) {
        JsonNode limits = body.get("sendingLimits");
        Map<String, OptionalInt> change = new LinkedHashMap<>();
        if (limits == null) {
            return change;
        }
        if (limits.isNull()) {
            this.limits.limitNames().forEach(name -> change.put(name, OptionalInt.empty()));
            return change;
        }
        if (!limits.isObject()) {
            throw ApiError.badRequest("field 'sendingLimits' must be an object of limits, or null to remove them all");
        }
        Json.onlyFields(limits, new HashSet<>(this.limits.limitNames()));
        limits.fields().forEachRemaining(limit -> change.put(limit.getKey(), limit.getValue().isNull()
                ? OptionalInt.empty() : OptionalInt.of(SendingLimitRoutes.count(limit.getKey(), limit.getValue()))));
        return change;
    }

    private Map<String, Object> serviceJson(MailService service) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", service.name());
        json.put("addressQuota", service.addressQuota().isPresent() ? service.addressQuota().getAsInt() : null);
        json.put("addresses", service.addresses());
        json.put("domains", service.domains());
        json.put("maintenance", service.maintenance());
        Map<String, Integer> sendingLimits = new LinkedHashMap<>();
        limits.limitNames().stream().filter(service.sendingLimits()::containsKey)
                .forEach(name -> sendingLimits.put(name, service.sendingLimits().get(name)));
        json.put("sendingLimits", sendingLimits);
        json.put("createdAt", service.created().toString());
        return json;
    }
}
