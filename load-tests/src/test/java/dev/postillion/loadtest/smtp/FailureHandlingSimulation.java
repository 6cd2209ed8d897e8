package dev.postillion.loadtest.smtp;

import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Gatling's blocks that act on failures work with the SMTP protocol, because a KO marks the
 * user's session failed: three users each try a message to a refused recipient twice in {@code
 * tryMax(2)}, then in {@code exitBlockOnFail} send one that is refused again and so leave the block
 * before its second message, then send one message after it. Against the fake server of {@link
 * GatlingRunTest}, which refuses nobody@ at RCPT.
 */
public class FailureHandlingSimulation extends Simulation {

    {
        var mx = SmtpDsl.smtp.host("127.0.0.1").port(Integer.getInteger("smtp.port"));
        var users = scenario("failures")
                .tryMax(2).on(message("tried", "nobody@example.test"))
                .exitBlockOnFail().on(message("refused", "nobody@example.test"), message("skipped", "bob@example.test"))
                .exec(message("after", "bob@example.test"));

        setUp(users.injectOpen(atOnceUsers(3))).protocols(mx).assertions(
                details("tried: RCPT").failedRequests().count().is(6L),
                details("refused: RCPT").failedRequests().count().is(3L),
                details("after: DATA").successfulRequests().count().is(3L));
    }

    private static ChainBuilder message(String name, String recipient) {
        return exec(smtp(name).sendMessage().from("anna@sender.test").to(recipient).subject("Hello"));
    }
}
