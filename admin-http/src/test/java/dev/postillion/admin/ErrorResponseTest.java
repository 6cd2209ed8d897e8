package dev.postillion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.QueueId;
import dev.postillion.core.StoreException;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.cluster.NodeAnswer;
import dev.postillion.queue.cluster.NodeAnswer.Participation;
import java.time.DateTimeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.junit.jupiter.api.Test;
import scala.Option;

/** The status and JSON error each kind of failure of an admin request answers with. */
class ErrorResponseTest {

    @Test
    void aDirectoryThatNoLongerTakesChangesMeansTheNodeIsShuttingDown() {
        RejectedExecutionException rejected = new RejectedExecutionException("Task rejected from executor");
        assertReply(503, "{\"error\":\"shutting down, try again\"}", AdminRoutes.errorResponse(rejected));
        assertReply(503, "{\"error\":\"shutting down, try again\"}",
                AdminRoutes.errorResponse(new CompletionException(rejected)));
    }

    @Test
    void aBadDateOrTimeIsTheRequestsFault() {
        DateTimeException bad = new DateTimeException("Invalid value for MonthOfYear: 13");
        assertReply(400, "{\"error\":\"Invalid value for MonthOfYear: 13\"}", AdminRoutes.errorResponse(bad));
        assertReply(400, "{\"error\":\"Invalid value for MonthOfYear: 13\"}",
                AdminRoutes.errorResponse(new CompletionException(bad)));
    }

    @Test
    void anApiErrorKeepsItsStatusAndAnythingUnexpectedIs500() {
        assertReply(404, "{\"error\":\"no domain example.test\"}",
                AdminRoutes.errorResponse(ApiError.notFound("no domain example.test")));
        assertReply(500, "{\"error\":\"internal error; the node's log has the cause\"}",
                AdminRoutes.errorResponse(new IllegalStateException("broken")));
    }

    @Test
    void aQueueChangeTheSpoolDidNotWriteIsOurFault() {
        QueueId id = new QueueId(1, 2);
        assertReply(503, "{\"error\":\"the queue could not record the change to message " + id
                + "; nothing was done, try again\"}", QueueRoutes.operationResponse(id, OperationResult.NOT_WRITTEN));
    }

    /** Issue 13: a message on a node that does not answer is not "not in the queue"; that node is named. */
    @Test
    void aMessageOnNoNodeThatAnsweredIsOnlyMissingWhenEveryNodeAnswered() {
        QueueId id = new QueueId(1, 2);
        assertReply(404, "{\"error\":\"no message " + id + " in the queue\"}", QueueRoutes.notQueued(id, List.of()));
        assertReply(503, "{\"error\":\"message " + id + " is on no node that answered, but may be on nodes"
                + " pekko://postillion@10.0.0.2:25520 (timeout), pekko://postillion@10.0.0.3:25520 (down),"
                + " whose queue cannot be read now; try again\"}", QueueRoutes.notQueued(id, List.of(
                        new NodeAnswer("pekko://postillion@10.0.0.2:25520", Participation.TIMEOUT),
                        new NodeAnswer("pekko://postillion@10.0.0.3:25520", Participation.DOWN))));
    }

    /** Issue 12, defect 20: the reason names no class, setting or internal message; the log has them. */
    @Test
    void storageTroubleAndTooLargeBodiesAreAnsweredPlainly() {
        assertReply(503, "{\"error\":\"storage unavailable, try again\"}",
                AdminRoutes.errorResponse(new CompletionException(new StoreException("RocksDB: IO error: No space"))));
        assertReply(413, "{\"error\":\"the request body is too large: at most 8388608 bytes\"}",
                AdminRoutes.errorResponse(new EntityStreamSizeException(8388608, Option.empty())));
    }

    private static void assertReply(int status, String json, HttpResponse response) {
        assertEquals(status, response.status().intValue());
        HttpEntity.Strict entity = (HttpEntity.Strict) response.entity();
        assertEquals(ContentTypes.APPLICATION_JSON, entity.getContentType());
        assertEquals(json, entity.getData().utf8String());
    }
}
