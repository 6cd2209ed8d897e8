package dev.postillion.loadtest.bench;

import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.smtp.SmtpDsl;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark of the SMTP protocol as a client, in {@code smtp-source}'s terms ({@code
 * load-tests/bench/gatling-vs-smtp-source.sh}): {@code bench.sessions} users at once, each sending
 * its share of {@code bench.messages} messages of {@code bench.size} bytes of body from {@code
 * bench.from} to {@code bench.to}, one connection per message as smtp-source makes them, to the
 * server at {@code target.smtp}. {@code bench.warmup} messages to {@code bench.warmup-to} go
 * first, by the same number of users, so that the JIT has compiled the client's hot paths. With
 * {@code bench.ready-file} and {@code bench.go-file}, the warm-up over, the first is written and
 * the measured run waits for the second: the benchmark script lets the server finish the
 * warm-up's deliveries in between.
 *
 * <p>Prints the measured run's rate, from the first measured user's start to the last one's end:
 * {@code measured: N messages in S s}. Asserts that every message got its 250.
 */
public class ClientThroughputSimulation extends Simulation {

    private final String target = required("target.smtp");
    private final int sessions = Integer.getInteger("bench.sessions", 50);
    private final int messages = Integer.getInteger("bench.messages", 20_000);
    private final int warmup = Integer.getInteger("bench.warmup", 0);
    private final String from = System.getProperty("bench.from", "bench@sender.test");
    private final String to = System.getProperty("bench.to", "u@bench.test");
    private final String body = body(Integer.getInteger("bench.size", 2048));
    /** How long the measured run waits for the script's go file at most. */
    private static final Duration GO_WAIT = Duration.ofMinutes(15);

    private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastEnd = new AtomicLong();

    {
        requireShares("bench.messages", messages);
        requireShares("bench.warmup", warmup);
        var server = SmtpDsl.smtp.host(target.substring(0, target.lastIndexOf(':')))
                .port(Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)))
                .ehloName("loadgen.test").messagesPerConnection(1);
        PopulationBuilder measured = scenario("measured")
                .exec(session -> {
                    firstStart.accumulateAndGet(System.nanoTime(), Math::min);
                    return session;
                })
                .repeat(messages / sessions).on(send("message", to))
                .exec(session -> {
                    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    return session;
                })
                .injectOpen(atOnceUsers(sessions));
        PopulationBuilder run = warmup == 0 ? handshake().andThen(measured) : scenario("warm-up")
                .repeat(warmup / sessions).on(send("warm-up", System.getProperty("bench.warmup-to", to)))
                .injectOpen(atOnceUsers(sessions)).andThen(handshake().andThen(measured));
        setUp(run).protocols(server).assertions(global().failedRequests().count().is(0L));
    }

    /**
     * Writes the ready file, then waits for the go file, at most {@link #GO_WAIT} (a script that
     * died leaves no one to write it); with neither named, nothing.
     */
    private static PopulationBuilder handshake() {
        String ready = System.getProperty("bench.ready-file", "");
        String go = System.getProperty("bench.go-file", "");
        return scenario("handshake")
                .exec(session -> {
                    if (!ready.isEmpty()) {
                        writeReady(Path.of(ready));
                    }
                    return session.set("deadline", System.nanoTime() + GO_WAIT.toNanos());
                })
                .asLongAs(session -> !go.isEmpty() && !Files.exists(Path.of(go))
                        && System.nanoTime() < session.getLong("deadline"))
                .on(pause(Duration.ofMillis(100)))
                .injectOpen(atOnceUsers(1));
    }

    /** Every user sends as many messages: a count the sessions do not divide would be sent short. */
    private void requireShares(String property, int count) {
        if (count % sessions != 0) {
            throw new IllegalArgumentException(property + " (" + count + ") must be a multiple of bench.sessions ("
                    + sessions + ")");
        }
    }

    private static void writeReady(Path ready) {
        try {
            Files.writeString(ready, "warm\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ready, e);
        }
    }

    private ChainBuilder send(String name, String recipient) {
        return exec(smtp(name).sendMessage().from(from).to(recipient).subject("benchmark").body(body)
                .check(replyCode().is(250)));
    }

    /** The rate, once the measured users have all run (Gatling's assertion then says whether every message passed). */
    @Override
    public void after() {
        if (lastEnd.get() == 0) {
            System.out.println("measured: nothing, the measured users did not run");
            return;
        }
        double seconds = (lastEnd.get() - firstStart.get()) / 1e9;
        System.out.printf("measured: %d messages in %.3f s, %.0f msg/s%n", messages, seconds, messages / seconds);
    }

    /** A body of {@code size} bytes in lines of 78 characters and their CRLF, as mail has. */
    private static String body(int size) {
        String line = "0123456789".repeat(8).substring(0, 78);
        StringBuilder text = new StringBuilder(String.join("\r\n", Collections.nCopies(size / 80 + 2, line)));
        text.setLength(Math.max(0, size));
        // not half a line end: the client would make the lone CR a CRLF of its own
        return text.toString().stripTrailing();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("-D" + property + " names the server to send to, as host:port");
        }
        return value;
    }
}
