package dev.postillion.admin;

import dev.postillion.mailbox.AppPassword;
import dev.postillion.mailbox.Directory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * {@code /api/v1/addresses/{address}/app-passwords}: an address's app passwords (SPEC section 1),
 * named passwords for phones and sync tools. The password is in the creation's answer only; the
 * listing shows names, creation and last use.
 */
final class AppPasswordRoutes extends JsonRoutes {

    private static final String APP_PASSWORDS = "/api/v1/addresses/{address}/app-passwords";

    private final Directory directory;

    AppPasswordRoutes(Directory directory) {
        this.directory = directory;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(APP_PASSWORDS, "listAppPasswords", p -> respond(StatusCodes.OK,
                        directory.appPasswords().list(AddressRoutes.address(p))
                                .thenApply(list -> list.stream().map(AppPasswordRoutes::appPasswordJson).toList()))),
                Endpoint.post(APP_PASSWORDS, "createAppPassword", p -> withJson(body -> {
                    Json.onlyFields(body, Set.of("name"));
                    return respond(StatusCodes.CREATED, directory.appPasswords()
                            .create(AddressRoutes.address(p), Json.requiredText(body, "name"))
                            .thenApply(AppPasswordRoutes::createdJson));
                })),
                Endpoint.delete(APP_PASSWORDS + "/{name}", "revokeAppPassword", p ->
                        respondEmpty(directory.appPasswords().revoke(AddressRoutes.address(p), p.get("name")))));
    }

    /** The one answer that holds the password. */
    private static Map<String, Object> createdJson(AppPassword.Created created) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", created.appPassword().name());
        json.put("password", created.password());
        json.put("createdAt", created.appPassword().created().toString());
        return json;
    }

    private static Map<String, Object> appPasswordJson(AppPassword appPassword) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", appPassword.name());
        json.put("createdAt", appPassword.created().toString());
        json.put("lastUse", appPassword.lastUse().map(use -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("at", use.at().toString());
            last.put("protocol", use.protocol().label());
            return last;
        }).orElse(null));
        return json;
    }
}
