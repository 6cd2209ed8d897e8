package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.Address;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mailbox.ResponderSettings;
import dev.postillion.mailbox.responder.Responder;
import java.time.DayOfWeek;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/addresses/{address}}: one address's settings (SPEC sections 1 to 4): disabled,
 * time zone, password, aliases, redirect, backup copy, sender lists and responders.
 */
final class AddressRoutes extends JsonRoutes {

    private static final Set<String> ADDRESS_PATCH = Set.of("disabled", "timeZone", "spamFilter");
    private static final Set<String> PASSWORD = Set.of("password", "oldPassword", "discardEncryptedMail");
    private static final Set<String> REDIRECT = Set.of("targets", "keepCopy");
    private static final Set<String> LISTS = Set.of("allow", "block", "blocked");
    private static final Set<String> RESPONDER = Set.of("name", "text", "subject", "start", "end", "weekdays", "from",
            "exclude");

    private static final String ADDRESS = "/api/v1/addresses/{address}";
    private static final String ALIASES = ADDRESS + "/aliases";
    private static final String REDIRECT_PATH = ADDRESS + "/redirect";
    private static final String BACKUP_COPY = ADDRESS + "/backup-copy";
    private static final String LISTS_PATH = ADDRESS + "/lists";
    private static final String RESPONDERS = ADDRESS + "/responders";
    private static final String RESPONDER_PATH = RESPONDERS + "/{id}";

    private final Directory directory;
    private final Mailboxes mailboxes;

    AddressRoutes(Directory directory, Mailboxes mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(ADDRESS, "getAddress", p -> respond(StatusCodes.OK,
                        directory.requireAddress(address(p)).thenApply(AddressRoutes::addressJson))),
                Endpoint.patch(ADDRESS, "updateAddress", p -> withJson(body ->
                        respond(StatusCodes.OK, patchAddress(address(p), body)))),
                Endpoint.put(ADDRESS + "/password", "changePassword", p -> withJson(body ->
                        respondEmpty(changePassword(address(p), body)))),
                Endpoint.get(ALIASES, "listAliases", p -> respond(StatusCodes.OK,
                        directory.requireAddress(address(p)).thenApply(AddressRoutes::aliasesJson))),
                Endpoint.post(ALIASES, "createAlias", p -> withJson(body -> addAlias(address(p), body))),
                Endpoint.delete(ALIASES + "/{alias}", "deleteAlias", p ->
                        respondEmpty(directory.aliases().remove(address(p), p.get("alias")))),
                Endpoint.get(REDIRECT_PATH, "getRedirect", p -> redirect(address(p))),
                Endpoint.put(REDIRECT_PATH, "setRedirect", p -> withJson(body -> setRedirect(address(p), body))),
                Endpoint.delete(REDIRECT_PATH, "deleteRedirect", p ->
                        respondEmpty(directory.delivery().removeRedirect(address(p)))),
                Endpoint.get(BACKUP_COPY, "getBackupCopy", p -> backupCopy(address(p))),
                Endpoint.put(BACKUP_COPY, "setBackupCopy", p -> withJson(body -> setBackupCopy(address(p), body))),
                Endpoint.delete(BACKUP_COPY, "deleteBackupCopy", p ->
                        respondEmpty(directory.delivery().removeBackupCopy(address(p)))),
                Endpoint.get(LISTS_PATH, "getSenderLists", p -> respond(StatusCodes.OK,
                        directory.requireAddress(address(p)).thenApply(record -> listsJson(record, List.of())))),
                Endpoint.put(LISTS_PATH, "setSenderLists", p -> withJson(body -> setLists(address(p), body))));
    }

    /** The responders' endpoints, apart as they are many. */
    List<Endpoint> responderEndpoints() {
        return List.of(
                Endpoint.get(RESPONDERS, "listResponders", p -> respond(StatusCodes.OK,
                        directory.requireAddress(address(p)).thenApply(AddressRoutes::respondersJson))),
                Endpoint.post(RESPONDERS, "createResponder", p -> withJson(body -> respond(StatusCodes.CREATED,
                        directory.responders().add(address(p), responder(body))
                                .thenApply(stored -> responderJson(stored, false))))),
                Endpoint.post(RESPONDERS + "/reset", "resetResponderAnswers", p -> {
                    EmailAddress address = address(p);
                    return respondEmpty(directory.requireAddress(address)
                            .thenCompose(record -> mailboxes.forgetResponderAnswers(address.key())));
                }),
                Endpoint.get(RESPONDER_PATH, "getResponder", p -> respond(StatusCodes.OK,
                        directory.requireAddress(address(p)).thenApply(record -> responderJson(record, p.get("id"))))),
                Endpoint.put(RESPONDER_PATH, "replaceResponder", p -> withJson(body ->
                        replaceResponder(address(p), p.get("id"), body))),
                Endpoint.delete(RESPONDER_PATH, "deleteResponder", p ->
                        respondEmpty(directory.responders().remove(address(p), p.get("id")))),
                Endpoint.post(RESPONDER_PATH + "/activate", "activateResponder", p -> respond(StatusCodes.OK,
                        directory.responders().activate(address(p), p.get("id"))
                                .thenApply(a -> responderJson(a, p.get("id"))))),
                Endpoint.post(RESPONDER_PATH + "/deactivate", "deactivateResponder", p -> respond(StatusCodes.OK,
                        directory.responders().deactivate(address(p), p.get("id"))
                                .thenApply(a -> responderJson(a, p.get("id"))))));
    }

    static EmailAddress address(Map<String, String> parameters) {
        return address(parameters.get("address"));
    }

    static EmailAddress address(String text) {
        try {
            return EmailAddress.parse(text, true);
        } catch (AddressSyntaxException e) {
            throw ApiError.badRequest("'" + text + "' is not an address: " + e.getMessage());
        }
    }

    /**
     * {@code {"password": "..."}}: the address's new password, under the strength rules of a new
     * address's; every session that logged in with the old one ends. An address encrypted at rest
     * needs {@code "oldPassword"} too, to wrap its key again; without it the change is refused
     * (409, saying its mail would become unreadable) unless {@code "discardEncryptedMail": true}.
     */
    private CompletionStage<Address> changePassword(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, PASSWORD);
        return directory.changePassword(address, Json.requiredText(body, "password"),
                Json.optionalText(body, "oldPassword"), Json.optionalBoolean(body, "discardEncryptedMail").orElse(false));
    }

    /**
     * {@code {"disabled": bool, "timeZone": "Europe/Paris", "spamFilter": bool}}; absent fields stay
     * as they are. The whole body is read before anything changes.
     */
    private CompletionStage<Map<String, Object>> patchAddress(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, ADDRESS_PATCH);
        Optional<Boolean> disabled = Json.optionalBoolean(body, "disabled");
        Optional<String> zone = Json.presentText(body, "timeZone");
        Optional<Boolean> spamFilter = Json.optionalBoolean(body, "spamFilter");
        if (disabled.isEmpty() && zone.isEmpty() && spamFilter.isEmpty()) {
            throw ApiError.badRequest("nothing to change: give disabled, timeZone or spamFilter");
        }
        CompletionStage<Address> changed = directory.requireAddress(address);
        // The zone first: it is the change that can be refused, and a refused PATCH changes nothing.
        if (zone.isPresent()) {
            changed = changed.thenCompose(a -> directory.setTimeZone(address, zone.get()));
        }
        if (disabled.isPresent()) {
            changed = changed.thenCompose(a -> directory.setDisabled(address, disabled.get()));
        }
        if (spamFilter.isPresent()) {
            changed = changed.thenCompose(a -> directory.delivery().setSpamFilter(address, spamFilter.get()));
        }
        return changed.thenApply(AddressRoutes::addressJson);
    }

    // --- aliases ---

    private Route addAlias(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, Set.of("localPart"));
        String localPart = Json.requiredText(body, "localPart");
        return respond(StatusCodes.CREATED, directory.aliases().add(address, localPart)
                .thenApply(record -> aliasJson(localPart, record)));
    }

    private static List<Map<String, Object>> aliasesJson(Address address) {
        return address.aliases().stream().map(alias -> aliasJson(alias, address)).toList();
    }

    private static Map<String, Object> aliasJson(String localPart, Address address) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("localPart", localPart);
        json.put("address", localPart + "@" + address.domain());
        return json;
    }

    // --- redirect, backup copy, lists ---

    private Route redirect(EmailAddress address) {
        return respond(StatusCodes.OK, directory.requireAddress(address).thenApply(record -> record.redirect()
                .map(AddressRoutes::redirectJson)
                .orElseThrow(() -> ApiError.notFound(address + " has no redirect"))));
    }

    private Route setRedirect(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, REDIRECT);
        if (!body.has("targets")) {
            throw ApiError.badRequest("field 'targets' is required");
        }
        List<String> targets = Json.textList(body, "targets");
        // Required: a default would silently decide whether the address keeps its mail.
        boolean keepCopy = Json.requiredBoolean(body, "keepCopy");
        return respond(StatusCodes.OK, directory.delivery().setRedirect(address, targets, keepCopy)
                .thenApply(record -> redirectJson(record.redirect().orElseThrow())));
    }

    private static Map<String, Object> redirectJson(Address.Redirect redirect) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("targets", redirect.targets());
        json.put("keepCopy", redirect.keepCopy());
        return json;
    }

    private Route backupCopy(EmailAddress address) {
        return respond(StatusCodes.OK, directory.requireAddress(address).thenApply(record -> record.backupCopy()
                .map(copy -> Map.of("address", copy))
                .orElseThrow(() -> ApiError.notFound(address + " has no backup copy"))));
    }

    private Route setBackupCopy(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, Set.of("address"));
        return respond(StatusCodes.OK, directory.delivery().setBackupCopy(address, Json.requiredText(body, "address"))
                .thenApply(record -> Map.of("address", record.backupCopy().orElseThrow())));
    }

    /**
     * {@code {"allow": [...], "block": [...], "blocked": "spam" | "reject"}}: entries are addresses
     * or {@code @domain}s; a PUT replaces all three, and answers with {@code warnings}.
     */
    private Route setLists(EmailAddress address, JsonNode body) {
        Json.onlyFields(body, LISTS);
        boolean reject = Json.optionalText(body, "blocked").map(AddressRoutes::rejectBlocked).orElse(false);
        return respond(StatusCodes.OK, directory.delivery().setLists(address, Json.textList(body, "allow"),
                        Json.textList(body, "block"), reject)
                .thenCompose(warnings -> directory.requireAddress(address)
                        .thenApply(record -> listsJson(record, warnings))));
    }

    private static boolean rejectBlocked(String blocked) {
        return switch (blocked) {
            case "spam" -> false;
            case "reject" -> true;
            default -> throw ApiError.badRequest("field 'blocked' must be \"spam\" or \"reject\", not \""
                    + blocked + "\"");
        };
    }

    private static Map<String, Object> listsJson(Address address, List<String> warnings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("allow", address.allow());
        json.put("block", address.block());
        json.put("blocked", address.rejectBlocked() ? "reject" : "spam");
        json.put("warnings", warnings);
        return json;
    }

    // --- responders ---

    private Route replaceResponder(EmailAddress address, String id, JsonNode body) {
        return respond(StatusCodes.OK, directory.responders().replace(address, id, responder(body))
                .thenCompose(stored -> isActive(address, id).thenApply(active -> responderJson(stored, active))));
    }

    /**
     * Whether the responder is the address's active one now. A replaced responder keeps its
     * activation, which the replaced record does not carry; an address deleted meanwhile has none.
     */
    private CompletionStage<Boolean> isActive(EmailAddress address, String id) {
        return directory.address(address)
                .thenApply(found -> found.map(record -> isActive(record, id)).orElse(false));
    }

    /** Whether the responder is the address's active one. */
    private static boolean isActive(Address address, String id) {
        return address.activeResponderId().equals(Optional.of(id));
    }

    /** The request's responder; the directory checks its dates, weekdays, From and exclusions. */
    private static ResponderSettings responder(JsonNode body) {
        Json.onlyFields(body, RESPONDER);
        return new ResponderSettings(Json.requiredText(body, "name"), Json.requiredText(body, "text"),
                Json.optionalText(body, "subject"), Json.optionalText(body, "start"), Json.optionalText(body, "end"),
                Json.textList(body, "weekdays"), Json.optionalText(body, "from"), Json.textList(body, "exclude"));
    }

    private static List<Map<String, Object>> respondersJson(Address address) {
        return address.responders().stream()
                .map(responder -> responderJson(responder, isActive(address, responder.id())))
                .toList();
    }

    /** The JSON of one responder of the address, as read or as a change left it. */
    private static Map<String, Object> responderJson(Address address, String id) {
        return address.responder(id)
                .map(responder -> responderJson(responder, isActive(address, id)))
                .orElseThrow(() -> ApiError.notFound("no responder " + id + " for " + address.localPart() + "@"
                        + address.domain()));
    }

    private static Map<String, Object> responderJson(Responder responder, boolean active) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", responder.id());
        json.put("name", responder.name());
        json.put("text", responder.text());
        json.put("subject", responder.subject().orElse(null));
        json.put("start", responder.start().orElse(null));
        json.put("end", responder.end().orElse(null));
        // Monday first, the order the directory stores them in.
        json.put("weekdays", responder.weekdays().stream().sorted().map(DayOfWeek::name).toList());
        json.put("from", responder.from().orElse(null));
        json.put("exclude", responder.exclude());
        json.put("active", active);
        return json;
    }

    // --- the address itself ---

    static Map<String, Object> addressJson(Address address) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", address.localPart() + "@" + address.domain());
        json.put("localPart", address.localPart());
        json.put("domain", address.domain());
        json.put("type", address.type() == Address.Type.NO_REPLY ? "no-reply" : "mailbox");
        json.put("disabled", address.disabled());
        json.put("aliases", address.aliases());
        json.put("redirect", address.redirect().map(AddressRoutes::redirectJson).orElse(null));
        json.put("backupCopy", address.backupCopy().orElse(null));
        json.put("spamFilter", address.spamFilter());
        json.put("timeZone", address.timeZone().getId());
        json.put("activeResponder", address.activeResponderId().orElse(null));
        json.put("createdAt", address.created().toString());
        return json;
    }
}
