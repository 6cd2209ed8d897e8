package dev.postillion.admin;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.AddressSieve;
import dev.postillion.mailbox.Directory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/v1/addresses/{address}/sieve}: an address's Sieve scripts (RFC 5228), the same ones
 * ManageSieve serves. A script travels as {@code application/sieve} (RFC 5804 section 4), UTF-8;
 * one the engine refuses is answered 400 naming line, column and problem. Unlike ManageSieve's
 * DELETESCRIPT, the operator may delete the active script: the address is then left without one.
 */
final class SieveRoutes extends JsonRoutes {

    private static final String SIEVE = "/api/v1/addresses/{address}/sieve";
    private static final String SCRIPT = SIEVE + "/{name}";
    private static final MediaType.WithFixedCharset APPLICATION_SIEVE =
            MediaTypes.applicationWithFixedCharset("sieve", HttpCharsets.UTF_8, "siv", "sieve");
    private static final ContentType SIEVE_TEXT = ContentTypes.create(APPLICATION_SIEVE);

    private final Directory directory;

    SieveRoutes(Directory directory) {
        this.directory = directory;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(SIEVE, "listSieveScripts", p -> respond(StatusCodes.OK,
                        sieve().list(address(p)).thenApply(SieveRoutes::listJson))),
                Endpoint.put(SCRIPT, "putSieveScript", p -> withScript(text -> completeWithFuture(
                        sieve().put(address(p), p.get("name"), text).handle((created, failure) -> failure != null
                                ? AdminRoutes.errorResponse(failure)
                                : HttpResponse.create().withStatus(created ? StatusCodes.CREATED : StatusCodes.OK))))),
                Endpoint.get(SCRIPT, "getSieveScript", p -> completeWithFuture(sieve().text(address(p), p.get("name"))
                        .handle((text, failure) -> failure != null ? AdminRoutes.errorResponse(failure)
                                : HttpResponse.create().withEntity(HttpEntities.create(SIEVE_TEXT,
                                        text.getBytes(StandardCharsets.UTF_8)))))),
                Endpoint.delete(SCRIPT, "deleteSieveScript", p ->
                        respondEmpty(sieve().delete(address(p), p.get("name"), true))),
                Endpoint.post(SCRIPT + "/activate", "activateSieveScript", p ->
                        respondEmpty(sieve().activate(address(p), p.get("name")))),
                Endpoint.post(SIEVE + "/deactivate", "deactivateSieveScript", p ->
                        respondEmpty(sieve().deactivate(address(p)))));
    }

    private AddressSieve sieve() {
        return directory.sieve();
    }

    private static EmailAddress address(Map<String, String> parameters) {
        return AddressRoutes.address(parameters.get("address"));
    }

    /**
     * The request's script: sent as {@code application/sieve} (415 otherwise), valid UTF-8 (400
     * otherwise), read only up to the largest script an address may keep (413 beyond).
     */
    private Route withScript(Function<String, Route> inner) {
        return extractRequestEntity(entity -> {
            MediaType type = entity.getContentType().mediaType();
            if (!type.mainType().equals("application") || !type.subType().equals("sieve")) {
                return complete(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "the request body must be a Sieve script, sent with Content-Type: application/sieve"));
            }
            return withSizeLimit(sieve().limits().maxScriptBytes(), () -> entity(Unmarshaller.entityToByteString(),
                    bytes -> utf8(bytes.asByteBuffer()).map(inner).orElseGet(() -> complete(Json.error(
                            StatusCodes.BAD_REQUEST, "the script is not valid UTF-8 (RFC 5804 section 4)")))));
        });
    }

    private static Optional<String> utf8(ByteBuffer bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> listJson(List<AddressSieve.Script> scripts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scripts", scripts.stream().map(script -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", script.name());
            one.put("size", script.size());
            one.put("active", script.active());
            return one;
        }).toList());
        json.put("active", scripts.stream().filter(AddressSieve.Script::active).map(AddressSieve.Script::name)
                .findFirst().orElse(null));
        return json;
    }
}
