package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code status} of a node that answers but does not accept mail: printed, and exit status 3 for checks. */
class StatusCommandTest {

    @Test
    void aNodeThatDoesNotAcceptMailEndsTheStatusWithUnavailable() throws IOException {
        try (FakeAdminApi api = new FakeAdminApi().answer("/api/v1/status", 200, """
                {"health":{"status":"shared-store-unreachable","sharedStore":"unreachable","node":"mx1"},
                 "members":[{"name":"mx1","address":"pekko://postillion@10.0.0.1:25520","status":"up","reachable":true,
                  "self":true},{"name":"mx2","address":"pekko://postillion@10.0.0.2:25520","status":"up",
                  "reachable":false,"self":false}],
                 "queue":{"active":2,"deferred":30,"hold":1}}""")) {
            assertEquals(new FakeAdminApi.Run(ExitCode.UNAVAILABLE, """
                    Health:  shared-store-unreachable (sharedStore unreachable, node mx1)
                    Queue:   2 active, 30 deferred, 1 hold

                    MEMBER  ADDRESS                            STATUS  REACHABLE
                    mx1     pekko://postillion@10.0.0.1:25520  up      yes        (this node)
                    mx2     pekko://postillion@10.0.0.2:25520  up      no
                    """, ""), api.run(new StatusCommand()));
        }
    }
}
