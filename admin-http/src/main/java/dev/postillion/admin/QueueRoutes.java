package dev.postillion.admin;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueAdmin.State;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.QueueEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/queue}: the spool as the operator sees it (Postfix's mailq) and what can be done
 * to a message (postqueue -i/-f, postsuper -h/-H/-d, and returning it to its sender).
 */
final class QueueRoutes extends AllDirectives {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final QueueAdmin queue;

    QueueRoutes(QueueAdmin queue) {
        this.queue = queue;
    }

    Route route() {
        return concat(
                pathEnd(() -> get(() -> parameterMap(this::list))),
                path("flush", () -> post(() -> parameterOptional("domain", this::flush))),
                pathPrefix(PathMatchers.segment(), text -> {
                    QueueId id = queueId(text);
                    return concat(
                            pathEnd(() -> concat(
                                    get(() -> show(id)),
                                    delete(() -> operate(id, Operation.DELETE)))),
                            path("retry", () -> post(() -> operate(id, Operation.RETRY))),
                            path("hold", () -> post(() -> operate(id, Operation.HOLD))),
                            path("release", () -> post(() -> operate(id, Operation.RELEASE))),
                            path("bounce", () -> post(() -> operate(id, Operation.BOUNCE))));
                }));
    }

    private Route list(Map<String, String> parameters) {
        QueueAdmin.Filter filter = new QueueAdmin.Filter(
                Optional.ofNullable(parameters.get("state")).map(QueueRoutes::state),
                Optional.ofNullable(parameters.get("domain")).map(d -> d.toLowerCase(Locale.ROOT)),
                Optional.ofNullable(parameters.get("sender")).map(QueueRoutes::sender));
        Optional<QueueId> after = Optional.ofNullable(parameters.get("after")).map(QueueRoutes::queueId);
        int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        if (limit == 0) {
            throw ApiError.badRequest("parameter 'limit' must be at least 1");
        }
        return completeWithFuture(queue.list(filter, after, limit).handle((page, failure) -> {
            if (failure != null) {
                return AdminRoutes.errorResponse(failure);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("messages", page.messages().stream().map(QueueRoutes::messageJson).toList());
            json.put("next", page.next().map(QueueId::toString).orElse(null));
            return Json.response(StatusCodes.OK, json);
        }));
    }

    private Route show(QueueId id) {
        return completeWithFuture(queue.message(id).thenCombine(queue.size(id), (message, size) -> {
            Map<String, Object> json = messageJson(message.orElseThrow(() -> notQueued(id)));
            json.put("size", size);
            return Json.response(StatusCodes.OK, json);
        }).exceptionally(AdminRoutes::errorResponse));
    }

    private Route operate(QueueId id, Operation operation) {
        return completeWithFuture(queue.operate(id, operation).handle((result, failure) -> {
            return failure != null ? AdminRoutes.errorResponse(failure) : operationResponse(id, result);
        }));
    }

    static HttpResponse operationResponse(QueueId id, OperationResult result) {
        return switch (result) {
            case DONE -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            case NOT_FOUND -> Json.error(StatusCodes.NOT_FOUND, notQueued(id).getMessage());
            case ON_HOLD -> Json.error(StatusCodes.CONFLICT, "message " + id + " is on hold; release it first");
            // Our fault, and the queue manager logged its cause with the queue id.
            case NOT_WRITTEN -> Json.error(StatusCodes.SERVICE_UNAVAILABLE,
                    "the queue could not record the change to message " + id + "; nothing was done, try again");
        };
    }

    private Route flush(Optional<String> domain) {
        return completeWithFuture(queue.flush(domain.map(d -> d.toLowerCase(Locale.ROOT))).handle((count, failure) ->
                failure == null ? Json.response(StatusCodes.OK, Map.of("retried", count))
                        : AdminRoutes.errorResponse(failure)));
    }

    private static Map<String, Object> messageJson(QueueEntry message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", message.id().toString());
        json.put("state", message.state().apiName());
        json.put("sender", message.sender().map(EmailAddress::toString).orElse(""));
        json.put("arrival", message.arrival().toString());
        json.put("attempts", message.attempts());
        json.put("nextAttempt", message.nextAttempt().map(Instant::toString).orElse(null));
        json.put("delayWarningSent", message.delayWarningSent());
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (QueueEntry.Recipient entry : message.recipients()) {
            Map<String, Object> recipient = new LinkedHashMap<>();
            recipient.put("address", entry.address().toString());
            recipient.put("state", entry.progress().apiName());
            recipient.put("attempts", entry.attempts());
            recipient.put("lastResult", entry.lastResult().orElse(null));
            recipients.add(recipient);
        }
        json.put("recipients", recipients);
        return json;
    }

    private static QueueId queueId(String text) {
        try {
            return QueueId.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'" + text + "' is not a queue id: " + e.getMessage());
        }
    }

    private static State state(String text) {
        for (State state : State.values()) {
            if (state.apiName().equals(text)) {
                return state;
            }
        }
        throw ApiError.badRequest("parameter 'state' must be active, deferred or hold, not '" + text + "'");
    }

    private static String sender(String text) {
        if (text.equals("<>") || text.isEmpty()) {
            return "<>";
        }
        try {
            return EmailAddress.parse(text, true).key();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("parameter 'sender' is not an address: " + e.getMessage());
        }
    }

    private static ApiError notQueued(QueueId id) {
        return ApiError.notFound("no message " + id + " in the queue");
    }
}
