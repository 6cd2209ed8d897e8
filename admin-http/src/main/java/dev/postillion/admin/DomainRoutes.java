package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.Address;
import dev.postillion.mailbox.Domain;
import dev.postillion.mailbox.AddressCsv;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.AddressImport.Outcome;
import dev.postillion.mailbox.AddressImport.Result;
import dev.postillion.mailbox.Mailboxes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/v1/domains}: hosted domains, their alias domains, catch-all and maintenance, their
 * addresses, one at a time or in bulk as CSV (SPEC section 1), and their DKIM keys (section 5).
 * A deleted domain's keys go with it, so that a domain created again under the name starts anew.
 */
final class DomainRoutes extends JsonRoutes {

    private static final Set<String> NAME = Set.of("name");
    private static final Set<String> NEW_DOMAIN = Set.of("name", "service");
    private static final Set<String> DOMAIN_PATCH = Set.of("catchAll", "maintenance", "service");
    private static final Set<String> NEW_ADDRESS = Set.of("localPart", "password", "type");
    private static final String DOMAINS = "/api/v1/domains";
    private static final String DOMAIN = DOMAINS + "/{domain}";
    private static final String ALIAS_DOMAINS = DOMAIN + "/aliases-domains";
    private static final String ADDRESSES = DOMAIN + "/addresses";
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(5);

    private final Directory directory;
    private final Mailboxes mailboxes;
    private final DkimAdmin dkim;
    private final DkimRoutes dkimRoutes;

    DomainRoutes(Directory directory, Mailboxes mailboxes, DkimAdmin dkim) {
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.dkim = dkim;
        this.dkimRoutes = new DkimRoutes(directory, dkim);
    }

    List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>(List.of(
                Endpoint.get(DOMAINS, "listDomains", p -> respond(StatusCodes.OK, directory.domains()
                        .thenApply(domains -> domains.stream().map(DomainRoutes::domainJson).toList()))),
                Endpoint.post(DOMAINS, "createDomain", p -> withJson(body -> {
                    Json.onlyFields(body, NEW_DOMAIN);
                    return respond(StatusCodes.CREATED, directory.createDomain(Json.requiredText(body, "name"),
                            Json.presentText(body, "service")).thenApply(DomainRoutes::domainJson));
                })),
                Endpoint.get(DOMAIN, "getDomain", p -> respond(StatusCodes.OK,
                        directory.requireDomain(p.get("domain")).thenApply(DomainRoutes::domainJson))),
                Endpoint.patch(DOMAIN, "updateDomain", p -> withJson(body ->
                        respond(StatusCodes.OK, patchDomain(p.get("domain"), body)))),
                Endpoint.delete(DOMAIN, "deleteDomain", p -> respondEmpty(directory.deleteDomain(p.get("domain"))
                        .thenCompose(deleted -> dkim.forget(p.get("domain"))))),
                Endpoint.get(ALIAS_DOMAINS, "listAliasDomains", p -> respond(StatusCodes.OK,
                        aliasDomains(p.get("domain")))),
                Endpoint.post(ALIAS_DOMAINS, "createAliasDomain", p -> withJson(body -> {
                    Json.onlyFields(body, NAME);
                    return respond(StatusCodes.CREATED, directory.createAliasDomain(p.get("domain"),
                            Json.requiredText(body, "name")).thenApply(DomainRoutes::domainJson));
                })),
                Endpoint.delete(ALIAS_DOMAINS + "/{alias}", "deleteAliasDomain", p ->
                        respondEmpty(directory.deleteAliasDomain(p.get("domain"), p.get("alias"))))));
        endpoints.addAll(dkimRoutes.endpoints());
        endpoints.addAll(addressEndpoints());
        return endpoints;
    }

    /**
     * {@code {"catchAll": "<local part>" | null, "maintenance": bool}}; absent fields stay as they
     * are, a null catch-all clears it. The whole body is read before anything changes, and the
     * catch-all, which the directory may refuse, changes first: a refused PATCH changes nothing.
     * Or {@code {"service": "<name>"}} alone, which moves the domain to that service (refused if
     * the service's quota has no room for its addresses).
     */
    private CompletionStage<Map<String, Object>> patchDomain(String domain, JsonNode body) {
        Json.onlyFields(body, DOMAIN_PATCH);
        Optional<String> service = Json.presentText(body, "service");
        if (service.isPresent()) {
            if (body.size() > 1) {
                throw ApiError.badRequest("field 'service' moves the domain and is given alone, without catchAll"
                        + " or maintenance");
            }
            return directory.services().move(domain, service.get()).thenApply(DomainRoutes::domainJson);
        }
        boolean changesCatchAll = body.has("catchAll");
        Optional<String> catchAll = Json.optionalText(body, "catchAll");
        Optional<Boolean> maintenance = Json.optionalBoolean(body, "maintenance");
        if (!changesCatchAll && maintenance.isEmpty()) {
            throw ApiError.badRequest("nothing to change: give catchAll, maintenance or both, or service");
        }
        CompletionStage<Domain> changed = directory.requireDomain(domain);
        if (changesCatchAll) {
            changed = changed.thenCompose(d -> directory.setCatchAll(domain, catchAll.orElse(null)));
        }
        if (maintenance.isPresent()) {
            changed = changed.thenCompose(d -> directory.setMaintenance(domain, maintenance.get()));
        }
        return changed.thenApply(DomainRoutes::domainJson);
    }

    private CompletionStage<List<Map<String, Object>>> aliasDomains(String domain) {
        return directory.requireDomain(domain).thenCompose(record -> {
            if (record.aliasOf().isPresent()) {
                throw ApiError.badRequest(domain + " is itself an alias domain");
            }
            return directory.aliasDomains(domain);
        }).thenApply(aliases -> aliases.stream().map(DomainRoutes::domainJson).toList());
    }

    // --- addresses ---

    private List<Endpoint> addressEndpoints() {
        return List.of(
                Endpoint.get(ADDRESSES, "listDomainAddresses", p -> respond(StatusCodes.OK,
                        directory.addresses(p.get("domain")).thenApply(addresses ->
                                addresses.stream().map(AddressRoutes::addressJson).toList()))),
                Endpoint.post(ADDRESSES, "createAddress", p -> withJson(body ->
                        respond(StatusCodes.CREATED, createAddress(p.get("domain"), body)))),
                // Each line's password is hashed with Argon2id: a full import takes longer than the default timeout.
                Endpoint.post(ADDRESSES + "/import", "importAddresses", p -> withRequestTimeout(IMPORT_TIMEOUT, () ->
                        entity(Unmarshaller.entityToString(), csv -> importCsv(p.get("domain"), csv)))),
                Endpoint.get(ADDRESSES + "/export", "exportAddresses", p -> exportCsv(p.get("domain"))),
                Endpoint.delete(ADDRESSES + "/{localPart}", "deleteAddress", p ->
                        respondEmpty(deleteAddress(p.get("domain"), p.get("localPart")))));
    }

    private CompletionStage<Map<String, Object>> createAddress(String domain, JsonNode body) {
        Json.onlyFields(body, NEW_ADDRESS);
        Address.Type type = Json.optionalText(body, "type").map(DomainRoutes::addressType).orElse(Address.Type.MAILBOX);
        String localPart = Json.requiredText(body, "localPart");
        String password = Json.requiredText(body, "password");
        return directory.createAddress(domain, localPart, password, type).thenApply(AddressRoutes::addressJson);
    }

    private static Address.Type addressType(String type) {
        return switch (type) {
            case "mailbox" -> Address.Type.MAILBOX;
            case "no-reply" -> Address.Type.NO_REPLY;
            default -> throw ApiError.badRequest("field 'type' must be \"mailbox\" or \"no-reply\", not \""
                    + type + "\"");
        };
    }

    /**
     * Disables the address, destroys its mailbox, then removes the address. Disabled first, no
     * delivery can land after the purge: the mailbox refuses mail for a disabled address, and the
     * queue returns it. If the purge fails, the address is still there (disabled) and the DELETE
     * can simply be repeated.
     */
    private CompletionStage<?> deleteAddress(String domain, String localPart) {
        EmailAddress address;
        try {
            address = new EmailAddress(localPart, domain);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound("no address " + localPart + "@" + domain);
        }
        return directory.address(address).thenCompose(found -> found.isEmpty()
                ? directory.deleteAddress(domain, localPart) // answers with the precise 404
                : directory.setDisabled(address, true)
                        .thenCompose(disabled -> mailboxes.purge(address.key()))
                        .thenCompose(purged -> directory.deleteAddress(domain, localPart)));
    }

    // --- bulk CSV ---

    /**
     * Creates the addresses of a CSV body: 200 with each line's outcome, or 429 when the lines
     * would go beyond the service's creation quota (then nothing is created).
     */
    private Route importCsv(String domain, String csv) {
        AddressCsv.Parsed parsed;
        try {
            parsed = AddressCsv.parse(csv);
        } catch (AddressCsv.Unreadable e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (parsed.lines().isEmpty() && parsed.refused().isEmpty()) {
            throw ApiError.badRequest("the CSV has no address lines; expected a header row ("
                    + AddressCsv.HEADER + ") and one line per address");
        }
        return completeWithFuture(directory.imports().run(domain, parsed.lines()).handle((result, failure) ->
                failure == null ? importResponse(result, parsed.refused()) : AdminRoutes.errorResponse(failure)));
    }

    private static HttpResponse importResponse(Result result, List<Outcome> unreadable) {
        List<Outcome> outcomes = new ArrayList<>(result.lines());
        outcomes.addAll(unreadable);
        outcomes.sort(Comparator.comparingInt(Outcome::line));
        long created = outcomes.stream().filter(Outcome::created).count();
        Map<String, Object> json = new LinkedHashMap<>();
        if (result.limited()) {
            json.put("error", "the import would create " + created + " addresses, but the service may create only "
                    + result.remaining() + " more now; nothing was created");
            json.put("remaining", result.remaining());
            json.put("requested", created);
            return Json.response(StatusCodes.TOO_MANY_REQUESTS, json);
        }
        json.put("created", created);
        json.put("refused", outcomes.size() - created);
        json.put("remaining", result.remaining());
        json.put("lines", outcomes.stream().map(DomainRoutes::outcomeJson).toList());
        return Json.response(StatusCodes.OK, json);
    }

    private static Map<String, Object> outcomeJson(Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("line", outcome.line());
        json.put("localPart", outcome.localPart());
        json.put("status", outcome.created() ? "created" : "refused");
        if (!outcome.created()) {
            json.put("reason", outcome.reason());
        }
        return json;
    }

    private Route exportCsv(String domain) {
        return completeWithFuture(directory.addresses(domain).handle((addresses, failure) -> failure != null
                ? AdminRoutes.errorResponse(failure)
                : HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(
                        ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8),
                        AddressCsv.export(addresses).getBytes(StandardCharsets.UTF_8)))));
    }

    static Map<String, Object> domainJson(Domain domain) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", domain.name());
        json.put("createdAt", domain.created().toString());
        if (domain.aliasOf().isPresent()) {
            json.put("aliasOf", domain.aliasOf().get());
        } else {
            json.put("service", domain.service().orElseThrow());
            json.put("catchAll", domain.catchAll().orElse(null));
            json.put("maintenance", domain.maintenance());
        }
        return json;
    }
}
