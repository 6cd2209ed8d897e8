package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/queue", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            byte[] body = (query == null ? FIRST : query.equals("after=A1") ? SECOND : "{\"error\":\"" + query + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(query == null || query.equals("after=A1") ? 200 : 400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void thePagesAreOneAnswerAndANodeMissingFromOneIsNamed() {
        Run run = list("--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("{\"messages\":[" + message(FIRST) + "," + message(SECOND) + "],\"next\":null,\"nodes\":["
                + "{\"node\":\"n1\",\"answered\":true,\"reason\":null},"
                + "{\"node\":\"n2\",\"answered\":false,\"reason\":\"unreachable\"}]}", json(run.out()));
        assertEquals("warning: node n2 did not answer (unreachable): its messages are not in this answer\n", run.err());
    }

    @Test
    void theTableHasEveryPagesMessages() {
        Run run = list();
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                ID  STATE     ARRIVAL               ATTEMPTS  NEXT ATTEMPT  SENDER      PENDING RECIPIENTS
                A1  deferred  2026-12-07T20:41:05Z  1         -             a@one.test  b@two.test
                A2  hold      2026-12-07T20:42:00Z  0         -             <>          c@two.test
                """, run.out());
    }

    /** The exit status, what was printed and what was said on standard error. */
    private record Run(int exit, String out, String err) {}

    private Run list(String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new QueueCommand()).setExecutionExceptionHandler(new FailureHandler());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        List<String> arguments = new ArrayList<>(List.of("list", "--url",
                "http://127.0.0.1:" + server.getAddress().getPort(), "--token", "t"));
        arguments.addAll(List.of(options));
        int exit = command.execute(arguments.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
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
