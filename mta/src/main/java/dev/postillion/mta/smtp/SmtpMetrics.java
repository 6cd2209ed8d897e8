package dev.postillion.mta.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * One SMTP listener's series, labelled {@code listener} with its name (mx, submission,
 * submissions): connections open now and made in all, messages accepted, and refusals by
 * {@link Rejection}. Every reason's series exists from the start, at 0, so that a rate over it is
 * defined before the first refusal. Counted from the listener's event loops and sessions.
 */
public final class SmtpMetrics {

    private final Counter connections;
    private final Counter accepted;
    private final Map<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);

    public SmtpMetrics(MeterRegistry registry, ListenerRole role, ConnectionLimits limits) {
        String listener = role.configName();
        Gauge.builder("postillion.smtp.connections.active", limits, ConnectionLimits::open)
                .description("SMTP connections open now").tag("listener", listener).register(registry);
        connections = Counter.builder("postillion.smtp.connections")
                .description("SMTP connections made, refused ones too").tag("listener", listener).register(registry);
        accepted = Counter.builder("postillion.smtp.messages.accepted")
                .description("Messages accepted into the queue (the 250 after DATA)").tag("listener", listener)
                .register(registry);
        for (Rejection reason : Rejection.values()) {
            rejections.put(reason, Counter.builder("postillion.smtp.rejections")
                    .description("4xx and 5xx replies, by why they refuse").tag("listener", listener)
                    .tag("reason", reason.label()).register(registry));
        }
    }

    void connected() {
        connections.increment();
    }

    void accepted() {
        accepted.increment();
    }

    /** Counts {@code reply} if it refuses. */
    void replied(Reply reply) {
        reply.rejection().ifPresent(reason -> rejections.get(reason).increment());
    }
}
