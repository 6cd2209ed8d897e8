package dev.postillion.admin;

import dev.postillion.core.StoreConflictException;
import dev.postillion.core.StoreException;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.DirectoryException;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mailbox.SieveScriptException;
import dev.postillion.queue.cluster.ClusterQueue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's routes: health, mail services, domains, addresses, mailbox reads, the queue,
 * greylisting and sending limits, each an {@link Endpoint} of {@link #endpoints()}, which the API's OpenAPI
 * description describes one for one. Everything but {@code /health} and the description needs
 * {@code Authorization: Bearer <token>}; every error is JSON {@code {"error": "..."}} naming the
 * problem.
 */
public final class AdminRoutes extends AllDirectives {

    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

    private final byte[] token;
    private final DomainRoutes domains;
    private final ServiceRoutes services;
    private final AddressRoutes addresses;
    private final AppPasswordRoutes appPasswords;
    private final EncryptionRoutes encryption;
    private final MailboxRoutes mailboxes;
    private final QueueRoutes queue;
    private final GreylistRoutes greylist;
    private final SendingLimitRoutes sendingLimits;
    private final ImportRoutes imports;
    private final SieveRoutes sieve;
    private final NodeStatus node;
    private final ApiDescription description = new ApiDescription();
    private final ConsoleRoutes console = new ConsoleRoutes();

    public AdminRoutes(String token, Directory directory, Mailboxes mailboxes, ClusterQueue queue,
            GreylistAdmin greylist, DkimAdmin dkim, SendingLimitsAdmin sendingLimits, SpamAdmin spam,
            MailImportAdmin imports, NodeStatus node) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.domains = new DomainRoutes(directory, mailboxes, dkim);
        this.services = new ServiceRoutes(directory, sendingLimits);
        this.addresses = new AddressRoutes(directory, mailboxes);
        this.appPasswords = new AppPasswordRoutes(directory);
        this.sieve = new SieveRoutes(directory);
        this.encryption = new EncryptionRoutes(directory);
        this.mailboxes = new MailboxRoutes(directory, mailboxes, spam);
        this.queue = new QueueRoutes(queue);
        this.greylist = new GreylistRoutes(greylist);
        this.sendingLimits = new SendingLimitRoutes(directory, sendingLimits);
        this.imports = new ImportRoutes(imports);
        this.node = node;
    }

    /**
     * The API, made of {@link #endpoints()} alone, {@code /api/docs}, and the web console's pages
     * ({@code /console}, which hold no data and call the API with the token). {@code /metrics} and
     * everything under {@code /api/v1} needs the token, but for the endpoints that are open; an
     * unknown path there is answered 401 without it, so the token is checked before the path.
     */
    public Route route() {
        List<Endpoint> endpoints = endpoints();
        Route guarded = routes(endpoints.stream().filter(Endpoint::tokenRequired).toList());
        return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
                routes(endpoints.stream().filter(endpoint -> !endpoint.tokenRequired()).toList()),
                description.browser(),
                pathPrefix("console", console::route),
                path("metrics", () -> authorized(() -> guarded)),
                pathPrefix(PathMatchers.segment("api").slash("v1"), () -> authorized(() -> guarded)))));
    }

    /** Every operation of the API, each of which its description (openapi.yaml) describes. */
    List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>(List.of(
                Endpoint.get("/health", "getHealth", p -> health()).open(),
                description.endpoint(),
                Endpoint.get("/metrics", "getMetrics", p -> metrics()),
                Endpoint.get("/api/v1/status", "getStatus", p -> status()),
                Endpoint.get("/api/v1/cluster", "getCluster", p -> cluster())));
        endpoints.addAll(services.endpoints());
        endpoints.addAll(domains.endpoints());
        endpoints.addAll(addresses.endpoints());
        endpoints.addAll(addresses.responderEndpoints());
        endpoints.addAll(appPasswords.endpoints());
        endpoints.addAll(sieve.endpoints());
        endpoints.addAll(encryption.endpoints());
        endpoints.addAll(mailboxes.endpoints());
        endpoints.addAll(queue.endpoints());
        endpoints.addAll(greylist.endpoints());
        endpoints.addAll(sendingLimits.endpoints());
        endpoints.addAll(imports.endpoints());
        return endpoints;
    }

    /** The endpoints' routes, tried in turn; concat wants a first route, and reject() adds no rejection. */
    private Route routes(List<Endpoint> endpoints) {
        return concat(reject(), endpoints.stream().map(Endpoint::route).toArray(Route[]::new));
    }

    private Route health() {
        Map<String, String> health = healthJson();
        return complete(Json.response(health.get("status").equals("accepting") ? StatusCodes.OK
                : StatusCodes.SERVICE_UNAVAILABLE, health));
    }

    private Map<String, String> healthJson() {
        boolean store = node.sharedStoreReachable();
        String status = !node.accepting() ? "unavailable" : store ? "accepting" : "shared-store-unreachable";
        Map<String, String> health = new LinkedHashMap<>();
        health.put("status", status);
        health.put("sharedStore", store ? "reachable" : "unreachable");
        health.putAll(node.healthDetails());
        return health;
    }

    /** Prometheus's text exposition format; scraped with the bearer token like the API. */
    private Route metrics() {
        return complete(HttpResponse.create().withEntity(
                HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, node.metrics())));
    }

    /** {@code GET /api/v1/cluster}: the members as this node sees them. */
    private Route cluster() {
        return complete(Json.response(StatusCodes.OK, Map.of("members", membersJson())));
    }

    /**
     * {@code GET /api/v1/status}: the answering node's health, the cluster's members and this
     * node's queue by state in one answer (what {@code postillion status} prints); 200 whatever
     * the health says, which is in the body.
     */
    private Route status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("health", healthJson());
        status.put("members", membersJson());
        status.put("queue", node.queueCounts());
        return complete(Json.response(StatusCodes.OK, status));
    }

    private List<Map<String, Object>> membersJson() {
        return node.members().stream().map(member -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", member.name());
            json.put("address", member.address());
            json.put("status", member.status());
            json.put("reachable", member.reachable());
            json.put("self", member.self());
            return json;
        }).toList();
    }

    private Route authorized(Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            boolean ok = header.map(value -> MessageDigest.isEqual(token, value.getBytes(StandardCharsets.UTF_8)))
                    .orElse(false);
            if (ok) {
                return inner.get();
            }
            return complete(Json.error(StatusCodes.UNAUTHORIZED, header.isPresent()
                            ? "invalid bearer token" : "missing Authorization: Bearer <token> header")
                    .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "postillion"))));
        });
    }

    static long longParameter(Map<String, String> parameters, String name, long fallback) {
        String value = parameters.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw ApiError.badRequest("parameter '" + name + "' must not be negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("parameter '" + name + "' must be a whole number, not '" + value + "'");
        }
    }

    // --- errors ---

    static HttpResponse errorResponse(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiError api) {
            return Json.error(api.status(), api.getMessage());
        }
        if (cause instanceof DirectoryException directoryError) {
            return Json.error(status(directoryError.kind()), directoryError.getMessage());
        }
        if (cause instanceof SieveScriptException sieveError) {
            return Json.error(status(sieveError.kind()), sieveError.getMessage());
        }
        if (cause instanceof MailImportAdmin.AlreadyRunning running) {
            return Json.error(StatusCodes.CONFLICT, running.getMessage());
        }
        if (cause instanceof DateTimeException dateTime) {
            return Json.error(StatusCodes.BAD_REQUEST, dateTime.getMessage());
        }
        if (cause instanceof RejectedExecutionException) {
            // The directory's writer no longer takes changes: the node is stopping.
            log.warn("admin request refused while shutting down: {}", cause.getMessage());
            return Json.error(StatusCodes.SERVICE_UNAVAILABLE, "shutting down, try again");
        }
        if (cause instanceof EntityStreamSizeException tooLarge) {
            return Json.error(StatusCodes.PAYLOAD_TOO_LARGE, "the request body is too large: at most "
                    + tooLarge.limit() + " bytes");
        }
        if (cause instanceof StoreConflictException) {
            return Json.error(StatusCodes.CONFLICT, "changed at the same time through another node; try again");
        }
        // Our faults: the reason goes to the log; the answer names no class, setting or internal text.
        if (cause instanceof StoreException || cause instanceof TimeoutException
                || cause instanceof StatusReply.ErrorMessage) {
            log.error("admin request failed on storage: {}", cause.toString());
            return Json.error(StatusCodes.SERVICE_UNAVAILABLE, "storage unavailable, try again");
        }
        log.error("admin request failed", cause);
        return Json.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error; the node's log has the cause");
    }

    private static StatusCode status(DirectoryException.Kind kind) {
        return switch (kind) {
            case INVALID -> StatusCodes.BAD_REQUEST;
            case NOT_FOUND -> StatusCodes.NOT_FOUND;
            case CONFLICT -> StatusCodes.CONFLICT;
            case FORBIDDEN -> StatusCodes.FORBIDDEN;
        };
    }

    private static HttpResponse unreadableBody(MalformedRequestContentRejection rejection) {
        if (rejection.getCause() instanceof EntityStreamSizeException) {
            return errorResponse(rejection.getCause());
        }
        log.info("admin request body unreadable: {}", rejection.message());
        return Json.error(StatusCodes.BAD_REQUEST, "the request body cannot be read");
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(Throwable.class, failure -> complete(errorResponse(failure)))
                .build();
    }

    /**
     * Pekko's standard rejections (404, 405, 415...) with their text moved into a JSON error; a
     * body that cannot be read is answered here, as Pekko's text names its exception and settings.
     */
    private RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handle(MalformedRequestContentRejection.class, rejection -> complete(unreadableBody(rejection)))
                .build()
                .withFallback(RejectionHandler.defaultHandler()).mapRejectionResponse(response -> {
            if (response.entity() instanceof HttpEntity.Strict strict
                    && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                String text = strict.getData().utf8String();
                return Json.error(response.status(), text.isEmpty() ? response.status().reason() : text)
                        .withHeaders(response.getHeaders());
            }
            return response;
        });
    }
}
