package dev.postillion.admin;

import dev.postillion.admin.DkimAdmin.DomainRecords;
import dev.postillion.admin.DkimAdmin.Generation;
import dev.postillion.mailbox.Directory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/domains/{domain}/dkim}: a domain's DKIM signing keys, shown as the DNS TXT records
 * to publish (SPEC section 5). POST generates an Ed25519 and an RSA-2048 key, which sign at once;
 * with keys already there it is refused (409) unless {@code ?rotate=true}, which makes the next
 * keys under new selectors as pending: signing goes on with the current keys until {@code POST
 * .../dkim/activate}, once their records are published. An alias domain signs with its primary
 * domain's keys, so it has records (under its own name) but no keys of its own to change.
 *
 * <p>Every answer with records has the shape of GET: {@code {"records":[...]}} for the current
 * keys, and {@code "pending":{"records":[...]}} after it while there are pending keys.
 */
final class DkimRoutes extends JsonRoutes {

    private static final String DKIM = "/api/v1/domains/{domain}/dkim";

    private final Directory directory;
    private final DkimAdmin dkim;

    DkimRoutes(Directory directory, DkimAdmin dkim) {
        this.directory = directory;
        this.dkim = dkim;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(DKIM, "getDkimRecords", p -> records(p.get("domain"))),
                Endpoint.post(DKIM, "generateDkimKeys", p -> parameterOptional("rotate", rotate ->
                        generate(p.get("domain"), rotate))),
                Endpoint.post(DKIM + "/activate", "activateDkimKeys", p -> activate(p.get("domain"))));
    }

    private Route records(String name) {
        return completeWithFuture(directory.requireDomain(name).thenCompose(domain -> {
            String owner = domain.primary();
            return dkim.records(owner).thenApply(records -> records
                    .map(found -> Json.response(StatusCodes.OK, recordsJson(domain.name(), found)))
                    .orElseGet(() -> Json.error(StatusCodes.NOT_FOUND, "no DKIM keys for " + owner
                            + "; POST /api/v1/domains/" + owner + "/dkim generates them")));
        }).exceptionally(AdminRoutes::errorResponse));
    }

    private Route generate(String name, Optional<String> rotate) {
        return completeWithFuture(primary(name, "generate or rotate them there").thenCompose(domain -> dkim
                .generate(domain, rotate(rotate)).thenApply(generation -> generated(domain, generation)))
                .exceptionally(AdminRoutes::errorResponse));
    }

    private static HttpResponse generated(String domain, Generation generation) {
        if (generation instanceof Generation.Created created) {
            return Json.response(StatusCodes.CREATED, recordsJson(domain, created.records()));
        }
        if (generation instanceof Generation.HasKeys) {
            return Json.error(StatusCodes.CONFLICT, domain + " already has DKIM keys; POST with ?rotate=true to make"
                    + " new ones under new selectors");
        }
        return Json.error(StatusCodes.CONFLICT, domain + " already has pending DKIM keys; publish their records and"
                + " POST /api/v1/domains/" + domain + "/dkim/activate before rotating again");
    }

    private Route activate(String name) {
        return completeWithFuture(primary(name, "activate them there").thenCompose(domain -> dkim.activate(domain)
                .thenApply(activated -> activated
                        .map(records -> Json.response(StatusCodes.OK, recordsJson(domain, records)))
                        .orElseGet(() -> Json.error(StatusCodes.CONFLICT, domain + " has no pending DKIM keys;"
                                + " POST /api/v1/domains/" + domain + "/dkim?rotate=true makes them"))))
                .exceptionally(AdminRoutes::errorResponse));
    }

    /** The domain's name if it is a primary domain: an alias domain has no keys of its own. */
    private CompletionStage<String> primary(String name, String instead) {
        return directory.requireDomain(name).thenApply(domain -> {
            if (domain.aliasOf().isPresent()) {
                throw ApiError.badRequest(domain.name() + " is an alias domain of " + domain.aliasOf().get()
                        + " and signs with its keys; " + instead);
            }
            return domain.name();
        });
    }

    private static boolean rotate(Optional<String> value) {
        return switch (value.orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.badRequest("parameter 'rotate' must be true or false, not '" + value.get() + "'");
        };
    }

    /**
     * {@code {"records":[{"name","type":"TXT","value"}]}}, named for {@code domain}, with
     * {@code "pending":{"records":[...]}} when there are pending keys.
     */
    private static Map<String, Object> recordsJson(String domain, DomainRecords records) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("records", recordList(domain, records.current()));
        if (!records.pending().isEmpty()) {
            json.put("pending", Map.of("records", recordList(domain, records.pending())));
        }
        return json;
    }

    private static List<Map<String, Object>> recordList(String domain, List<DkimAdmin.KeyRecord> records) {
        return records.stream().map(record -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", record.selector() + "._domainkey." + domain);
            one.put("type", "TXT");
            one.put("value", record.value());
            return one;
        }).toList();
    }
}
