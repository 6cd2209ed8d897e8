package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** What the JSON route classes share: reading a JSON body, and answering with a change's result. */
abstract class JsonRoutes extends AllDirectives {

    /**
     * The request's JSON object, for {@code inner}. The body must say it is JSON: another
     * Content-Type is refused with 415 rather than read as JSON regardless.
     */
    Route withJson(Function<JsonNode, Route> inner) {
        return extractRequestEntity(entity -> {
            if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
                return complete(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "the request body must be JSON, sent with Content-Type: application/json"));
            }
            return entity(Unmarshaller.entityToString(), body -> inner.apply(Json.object(body)));
        });
    }

    /** Answers with the JSON of the stage's value, or the JSON error its failure maps to. */
    Route respond(StatusCode status, CompletionStage<?> result) {
        return completeWithFuture(result.handle((value, failure) ->
                failure == null ? Json.response(status, value) : AdminRoutes.errorResponse(failure)));
    }

    Route respondEmpty(CompletionStage<?> result) {
        return completeWithFuture(result.handle((value, failure) ->
                failure == null ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                        : AdminRoutes.errorResponse(failure)));
    }
}
