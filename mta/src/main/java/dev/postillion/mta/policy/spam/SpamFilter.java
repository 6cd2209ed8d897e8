package dev.postillion.mta.policy.spam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spam filter (SPEC section 4): Rspamd's verdict on mail from the world, judged against our
 * settings. A filter that fails never loses mail: the message is accepted unscanned, or deferred
 * when {@code on-failure = tempfail}; each check is counted in
 * {@code postillion_spam_checks_total{result}} and each failure logged with the queue id.
 */
public final class SpamFilter implements AutoCloseable {

    /** The {@code result} label of the checks counter. */
    enum Result {
        HAM, SPAM, FAILED, TOO_LARGE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Rspamd's actions that mean spam whatever the score (its own thresholds said so). */
    private static final Set<String> SPAM_ACTIONS = Set.of("add header", "rewrite subject", "reject");

    private static final Logger log = LoggerFactory.getLogger(SpamFilter.class);

    private final SpamSettings settings;
    private final RspamdClient rspamd;
    private final Map<Result, Counter> checks;

    public SpamFilter(SpamSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.rspamd = new RspamdClient(settings);
        this.checks = Stream.of(Result.values()).collect(Collectors.toMap(Function.identity(),
                result -> Counter.builder("postillion.spam.checks")
                        .description("Messages from the world the spam filter was asked about, by result")
                        .tag("result", result.label()).register(metrics)));
    }

    public SpamSettings settings() {
        return settings;
    }

    /** Whether mail is scanned at all ({@code postillion.spam.rspamd.url} set). */
    public boolean enabled() {
        return settings.enabled();
    }

    /** The client for the controller's learn endpoints. */
    public RspamdClient rspamd() {
        return rspamd;
    }

    /**
     * Rspamd's verdict on a message from the world; never fails: a failure is {@link SpamVerdict.Failed},
     * logged here with the queue id.
     */
    public CompletionStage<SpamVerdict> judge(RspamdClient.Envelope envelope, byte[] content) {
        if (content.length > settings.maxSize()) {
            checks.get(Result.TOO_LARGE).increment();
            log.info("{}: not scanned for spam: {} octets, over postillion.spam.max-size", envelope.queueId(),
                    content.length);
            return CompletableFuture.completedFuture(new SpamVerdict.Unscanned());
        }
        CompletionStage<RspamdClient.Check> check;
        try {
            check = rspamd.check(envelope, content);
        } catch (RuntimeException e) {
            check = CompletableFuture.failedFuture(e); // a client that refuses work refuses at once
        }
        return check.handle((answer, failure) -> {
            if (failure != null) {
                checks.get(Result.FAILED).increment();
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                log.warn("{}: spam check failed ({}), the message is {}: {}", envelope.queueId(),
                        cause.getClass().getSimpleName(), settings.onFailure() == SpamSettings.OnFailure.ACCEPT
                                ? "accepted unscanned" : "deferred", cause.getMessage());
                return new SpamVerdict.Failed();
            }
            return verdict(answer);
        });
    }

    private SpamVerdict verdict(RspamdClient.Check answer) {
        boolean spam = answer.score() >= settings.junkScore() || SPAM_ACTIONS.contains(answer.action());
        checks.get(spam ? Result.SPAM : Result.HAM).increment();
        boolean junk = spam && settings.mode() != SpamSettings.Mode.HEADERS;
        boolean reject = settings.mode() == SpamSettings.Mode.REJECT && answer.score() >= settings.rejectScore();
        return new SpamVerdict.Scanned(answer.score(), settings.junkScore(), answer.action(), answer.symbols(), spam,
                junk, reject);
    }

    @Override
    public void close() {
        rspamd.close();
    }
}
