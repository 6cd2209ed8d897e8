package dev.postillion.admin;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.MailService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * {@code /api/v1/services}: the mail services, each owning domains and a quota of addresses (SPEC
 * section 1). A domain names its service when it is created, or moves with {@code PATCH
 * /api/v1/domains/{domain}} ({@link DomainRoutes}).
 */
final class ServiceRoutes extends JsonRoutes {

    private static final Set<String> NEW_SERVICE = Set.of("name", "addressQuota");
    private static final Set<String> SERVICE_PATCH = Set.of("addressQuota");
    private static final String SERVICES = "/api/v1/services";
    private static final String SERVICE = SERVICES + "/{service}";

    private final Directory directory;

    ServiceRoutes(Directory directory) {
        this.directory = directory;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(SERVICES, "listServices", p -> respond(StatusCodes.OK, directory.services().list()
                        .thenApply(list -> list.stream().map(ServiceRoutes::serviceJson).toList()))),
                Endpoint.post(SERVICES, "createService", p -> withJson(body -> {
                    Json.onlyFields(body, NEW_SERVICE);
                    return respond(StatusCodes.CREATED, directory.services().create(Json.requiredText(body, "name"),
                            Json.requiredLimit(body, "addressQuota")).thenApply(ServiceRoutes::serviceJson));
                })),
                Endpoint.get(SERVICE, "getService", p -> respond(StatusCodes.OK,
                        directory.services().get(p.get("service")).thenApply(ServiceRoutes::serviceJson))),
                Endpoint.patch(SERVICE, "updateService", p -> withJson(body -> {
                    Json.onlyFields(body, SERVICE_PATCH);
                    return respond(StatusCodes.OK, directory.services().setQuota(p.get("service"),
                            Json.requiredLimit(body, "addressQuota")).thenApply(ServiceRoutes::serviceJson));
                })),
                Endpoint.delete(SERVICE, "deleteService", p ->
                        respondEmpty(directory.services().delete(p.get("service")))));
    }

    private static Map<String, Object> serviceJson(MailService service) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", service.name());
        json.put("addressQuota", service.addressQuota().isPresent() ? service.addressQuota().getAsInt() : null);
        json.put("addresses", service.addresses());
        json.put("domains", service.domains());
        json.put("createdAt", service.created().toString());
        return json;
    }
}
