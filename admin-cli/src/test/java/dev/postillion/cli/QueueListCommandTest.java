package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code queue list} over a listing of two pages from a cluster one of whose nodes stops
 * answering between them: one answer of the API's shape, and a warning naming the node.
 */
class QueueListCommandTest {

    private static final String FIRST = """
            {"messages":[{"id":"A1","state":"deferred","sender":"a@one.test","arrival":"2026-12-07T20:41:05.5Z",
              "attempts":1,"nextAttempt":null,"recipients":[{"address":"b@two.test","state":"pending"}]}],
             "next":"A1",
             "nodes":[{"node":"n1","answered":true,"reason":null},{"node":"n2","answered":true,"reason":null}]}""";
    private static final String SECOND = """
            {"messages":[{"id":"A2","state":"hold","sender":"","arrival":"2026-12-07T20:42:00Z",
              "attempts":0,"nextAttempt":null,"recipients":[{"address":"c@two.test","state":"pending"}]}],
             "next":null,
             "nodes":[{"node":"n1","answered":true,"reason":null},{"node":"n2","answered":false,"reason":"unreachable"}]}""";

    private FakeAdminApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeAdminApi().answer("/api/v1/queue", 200, FIRST).answer("/api/v1/queue?after=A1", 200, SECOND);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void thePagesAreOneAnswerAndANodeMissingFromOneIsNamed() {
        FakeAdminApi.Run run = api.run(new QueueCommand(), "list", "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("{\"messages\":[" + message(FIRST) + "," + message(SECOND) + "],\"next\":null,\"nodes\":["
                + "{\"node\":\"n1\",\"answered\":true,\"reason\":null},"
                + "{\"node\":\"n2\",\"answered\":false,\"reason\":\"unreachable\"}]}", json(run.out()));
        assertEquals("warning: node n2 did not answer (unreachable): its messages are not in this answer\n", run.err());
    }

    @Test
    void theTableHasEveryPagesMessages() {
        FakeAdminApi.Run run = api.run(new QueueCommand(), "list");
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                ID  STATE     ARRIVAL               ATTEMPTS  NEXT ATTEMPT  SENDER      PENDING RECIPIENTS
                A1  deferred  2026-12-07T20:41:05Z  1         -             a@one.test  b@two.test
                A2  hold      2026-12-07T20:42:00Z  0         -             <>          c@two.test
                """, run.out());
    }

    private static String message(String page) {
        return json(page).replaceFirst("^\\{\"messages\":\\[", "").replaceFirst("\\],\"next\".*$", "");
    }

    private static String json(String text) {
        try {
            return AdminClient.JSON.readTree(text).toString();
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }
}
