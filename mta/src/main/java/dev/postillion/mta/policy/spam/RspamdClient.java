package dev.postillion.mta.policy.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rspamd's HTTP protocol (its "protocol" documentation): a message is posted to the normal
 * worker's {@code /checkv2} with the envelope in request fields, and answered with a JSON verdict;
 * the controller's {@code /learnspam} and {@code /learnham} teach its statistics a message.
 *
 * <p>Requests are made and answered on the client's own two threads, never on the caller's: a
 * session's event loop or an actor only gets a future (ARCHITECTURE rule 1).
 */
public final class RspamdClient implements AutoCloseable {

    /** What Rspamd is told of a message besides its content: its envelope and our name ({@code MTA-Name}). */
    public record Envelope(String clientAddress, String helo, String sender, List<String> recipients, String queueId,
            String hostname) {}

    /**
     * Rspamd's answer to {@code /checkv2}.
     *
     * @param action Rspamd's own action: {@code no action}, {@code greylist}, {@code add header},
     *     {@code rewrite subject}, {@code soft reject} or {@code reject}
     * @param symbols the names of the rules that matched, in Rspamd's order
     */
    public record Check(double score, String action, List<String> symbols) {}

    /** Rspamd's answer to a learn request: its HTTP status and, unless it learned, its error text. */
    public record Learned(int status, String error) {
        public boolean success() {
            return status == 200;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SpamSettings settings;
    private final ExecutorService threads;
    private final HttpClient http;

    public RspamdClient(SpamSettings settings) {
        this.settings = settings;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "rspamd-client-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().executor(threads).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).build();
    }

    /** Rspamd's verdict on {@code content}; fails when it is unreachable, slow or answers what we cannot read. */
    public CompletionStage<Check> check(Envelope envelope, byte[] content) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.scanner().orElseThrow().resolve("checkv2"))
                .timeout(settings.timeout())
                // The content as held, not copied (RFC 5322 form; Rspamd reads CRLF line ends).
                .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                .header("IP", envelope.clientAddress())
                .header("Helo", envelope.helo())
                .header("Queue-Id", envelope.queueId())
                .header("MTA-Name", envelope.hostname());
        if (!envelope.sender().isEmpty()) {
            request.header("From", envelope.sender());
        }
        envelope.recipients().forEach(recipient -> request.header("Rcpt", recipient));
        return send(request.build()).thenApply(RspamdClient::check);
    }

    /** Teaches Rspamd's statistics (its Bayes classifier) that {@code content} is spam, or is not. */
    public CompletionStage<Learned> learn(boolean spam, byte[] content) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.controller().orElseThrow()
                        .resolve(spam ? "learnspam" : "learnham"))
                .timeout(settings.timeout())
                .POST(HttpRequest.BodyPublishers.ofByteArray(content));
        if (!settings.password().isEmpty()) {
            request.header("Password", settings.password());
        }
        return send(request.build()).thenApply(response -> new Learned(response.statusCode(),
                response.statusCode() == 200 ? "" : error(response.body())));
    }

    /** Sends from the client's own threads: even starting a request stays off the caller's. */
    private CompletionStage<HttpResponse<byte[]>> send(HttpRequest request) {
        return CompletableFuture.supplyAsync(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()),
                threads).thenCompose(response -> response);
    }

    private static Check check(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new RspamdException("Rspamd answered HTTP " + response.statusCode() + ": " + error(response.body()));
        }
        JsonNode answer = read(response.body());
        if (!answer.path("score").isNumber() || !answer.path("action").isTextual()) {
            throw new RspamdException("Rspamd's answer has no score or action: " + error(response.body()));
        }
        List<String> symbols = new ArrayList<>();
        answer.path("symbols").fieldNames().forEachRemaining(symbols::add);
        return new Check(answer.get("score").asDouble(), answer.get("action").asText(), symbols);
    }

    /** The {@code error} of an answer, or its start when it has none. */
    private static String error(byte[] body) {
        try {
            JsonNode answer = JSON.readTree(body);
            if (answer != null && answer.path("error").isTextual()) {
                return answer.get("error").asText();
            }
        } catch (IOException notJson) {
            // Said below as it is.
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return text.strip();
    }

    private static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RspamdException("Rspamd's answer is not JSON: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** Rspamd answered something other than a verdict. */
    static final class RspamdException extends RuntimeException {
        RspamdException(String message) {
            super(message);
        }
    }
}
