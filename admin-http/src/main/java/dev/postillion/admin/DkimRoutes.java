package dev.postillion.admin;

import dev.postillion.core.proto.DomainRecord;
import dev.postillion.mailbox.Directory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/domains/{domain}/dkim}: a domain's DKIM signing keys, shown as the DNS TXT records
 * to publish (SPEC section 5). POST generates an Ed25519 and an RSA-2048 key; with keys already
 * there it is refused (409) unless {@code ?rotate=true}, which replaces them with keys under new
 * selectors. An alias domain signs with its primary domain's keys, so it has records (under its
 * own name) but no keys of its own to generate.
 */
final class DkimRoutes extends JsonRoutes {

    private final Directory directory;
    private final DkimAdmin dkim;

    DkimRoutes(Directory directory, DkimAdmin dkim) {
        this.directory = directory;
        this.dkim = dkim;
    }

    Route route(String domain) {
        return pathEnd(() -> concat(
                get(() -> complete(records(domain))),
                post(() -> parameterOptional("rotate", rotate -> generate(domain, rotate)))));
    }

    private HttpResponse records(String name) {
        DomainRecord domain = domain(name);
        String owner = domain.getAliasOf().isEmpty() ? domain.getName() : domain.getAliasOf();
        List<DkimAdmin.KeyRecord> records = dkim.records(owner);
        if (records.isEmpty()) {
            throw ApiError.notFound("no DKIM keys for " + owner + "; POST /api/v1/domains/" + owner
                    + "/dkim generates them");
        }
        return Json.response(StatusCodes.OK, recordsJson(domain.getName(), records));
    }

    private Route generate(String name, Optional<String> rotate) {
        DomainRecord domain = domain(name);
        if (!domain.getAliasOf().isEmpty()) {
            throw ApiError.badRequest(domain.getName() + " is an alias domain of " + domain.getAliasOf()
                    + " and signs with its keys; generate or rotate them there");
        }
        return completeWithFuture(dkim.generate(domain.getName(), rotate(rotate)).handle((created, failure) -> {
            if (failure != null) {
                return AdminRoutes.errorResponse(failure);
            }
            return created.map(records -> Json.response(StatusCodes.CREATED, recordsJson(domain.getName(), records)))
                    .orElseGet(() -> Json.error(StatusCodes.CONFLICT, domain.getName() + " already has DKIM keys;"
                            + " POST with ?rotate=true to replace them with new ones under new selectors"));
        }));
    }

    private DomainRecord domain(String name) {
        return directory.domain(name).orElseThrow(() -> ApiError.notFound("no domain " + name));
    }

    private static boolean rotate(Optional<String> value) {
        return switch (value.orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.badRequest("parameter 'rotate' must be true or false, not '" + value.get() + "'");
        };
    }

    /** {@code {"records":[{"name","type":"TXT","value"}]}}, named for {@code domain}. */
    private static Map<String, Object> recordsJson(String domain, List<DkimAdmin.KeyRecord> records) {
        List<Map<String, Object>> json = records.stream().map(record -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", record.selector() + "._domainkey." + domain);
            one.put("type", "TXT");
            one.put("value", record.value());
            return one;
        }).toList();
        return Map.of("records", json);
    }
}
