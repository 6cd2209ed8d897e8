package dev.postillion.loadtest.smtp;

import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;
import java.util.List;
import java.util.Map;

/**
 * Four users send three messages each, two a connection, to the fake server of
 * {@link GatlingRunTest} (port in the system property smtp.port); every other recipient is
 * unknown there. The assertions are the counts the report must show.
 */
public class FakeServerSimulation extends Simulation {

    {
        var mx = SmtpDsl.smtp.host("127.0.0.1").port(Integer.getInteger("smtp.port")).pipelining(false)
                .messagesPerConnection(2);
        var recipients = listFeeder(List.<Map<String, Object>>of(Map.of("recipient", "bob@example.test"),
                Map.of("recipient", "nobody@example.test"))).circular();
        var inbound = scenario("inbound").repeat(3).on(feed(recipients)
                .exec(smtp("mx").sendMessage().from("anna@sender.test").to("#{recipient}").subject("Hello")
                        .check(queuedAs().saveAs("queueId"))));

        setUp(inbound.injectOpen(atOnceUsers(4))).protocols(mx).assertions(
                details("mx: connect").successfulRequests().count().is(8L),
                details("mx: MAIL").successfulRequests().count().is(12L),
                details("mx: RCPT").successfulRequests().count().is(6L),
                details("mx: RCPT").failedRequests().count().is(6L),
                details("mx: DATA").successfulRequests().count().is(6L),
                details("mx: RSET").successfulRequests().count().is(6L),
                details("mx: QUIT").successfulRequests().count().is(4L),
                global().failedRequests().count().is(6L));
    }
}
