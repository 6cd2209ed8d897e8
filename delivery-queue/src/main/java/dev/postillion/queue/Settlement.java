package dev.postillion.queue;

import dev.postillion.core.QueueId;
import dev.postillion.queue.proto.MessageState;
import dev.postillion.queue.proto.RecipientState;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import dev.postillion.queue.report.DurationWords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happened to a message's recipients into one spool change: final recipients recorded,
 * deferred ones rescheduled, or returned once the message has outlived the queue lifetime, the
 * delay warning and the reports written, and the message removed with its last recipient. A
 * report is spooled in the same batch as the recipients it reports on (ARCHITECTURE rule 4).
 */
final class Settlement {

    /** The queue's log, one line per delivery attempt per recipient (ARCHITECTURE "Operations"). */
    private static final Logger queueLog = LoggerFactory.getLogger("postillion.queue");

    /** What the operator asked for while the message was being attempted, applied once it settles. */
    enum Request { NONE, HOLD, BOUNCE, DELETE }

    /**
     * @param removed the message left the spool
     * @param nextDue when it is due again, or 0 when it is not scheduled (removed or held)
     * @param spooled reports written into the same change, due at once
     */
    record Result(boolean removed, long nextDue, List<StatusReports.Report> spooled) {}

    private final DeliverySchedule schedule;
    private final StatusReports reports;
    private final DeliveryMetrics metrics;

    Settlement(DeliverySchedule schedule, StatusReports reports, DeliveryMetrics metrics) {
        this.schedule = schedule;
        this.reports = reports;
        this.metrics = metrics;
    }

    /**
     * Settles an attempt, or an operator's request outside one ({@code outcomes} empty).
     *
     * @param content the message, for reports that return it; null reads it when needed
     */
    Result settle(QueuedMessage message, byte[] content, List<RecipientOutcome> outcomes, Request request, long now,
            SpoolStore.Change change) {
        QueueId id = message.id();
        if (request == Request.DELETE) {
            queueLog.info("{}: removed by the operator", id);
            change.remove(message);
            return new Result(true, 0, List.of());
        }
        long arrival = message.envelope().arrival().toEpochMilli();
        List<RecipientOutcome> settled = request == Request.BOUNCE ? returnedByOperator(message, outcomes) : outcomes;
        boolean expired = schedule.expired(arrival, now);
        List<RecipientOutcome> sent = new ArrayList<>();
        List<RecipientOutcome> failed = new ArrayList<>();
        List<RecipientOutcome> deferred = new ArrayList<>();
        for (RecipientOutcome outcome : settled) {
            boolean expires = outcome.status() == Status.DEFERRED && expired;
            RecipientOutcome last = expires ? expire(outcome, now - arrival) : outcome;
            log(message, last, now);
            metrics.settled(last, expires, Duration.ofMillis(now - arrival));
            (last.status() == Status.SENT ? sent : last.status() == Status.BOUNCED ? failed : deferred).add(last);
            change.recipient(id, last.recipient(), recipientState(message.recipient(last.recipient()), last, outcomes));
        }
        List<RecipientOutcome> finals = new ArrayList<>(sent);
        finals.addAll(failed);
        boolean anyPending = message.pending().stream()
                .anyMatch(i -> finals.stream().noneMatch(o -> o.recipient() == i));
        int attempts = message.state().getAttempts() + (outcomes.isEmpty() ? 0 : 1);
        boolean warn = anyPending && !message.state().getDelayWarned() && !deferred.isEmpty()
                && schedule.delayWarningDue(arrival, now);
        List<StatusReports.Report> spooled = reports.write(message, content, sent, failed, warn ? deferred : List.of(), now);
        spooled.forEach(report -> change.spool(report.id(), report.envelope(), report.content()));
        if (!anyPending) {
            change.remove(message);
            return new Result(true, 0, spooled);
        }
        MessageState.Builder state = message.state().toBuilder()
                .setAttempts(attempts)
                .setDelayWarned(message.state().getDelayWarned() || warn);
        change.unschedule(id, message.due());
        long nextDue = 0;
        if (request == Request.HOLD) {
            state.setHeld(true);
        } else {
            boolean local = !deferred.isEmpty()
                    && deferred.stream().allMatch(outcome -> outcome.relay().equals(RecipientOutcome.LOCAL_RELAY));
            nextDue = schedule.nextAttempt(arrival, attempts, now, state.getDelayWarned(), local);
            state.setDueEpochMillis(nextDue);
            change.schedule(id, nextDue);
        }
        change.state(message, state.build());
        return new Result(false, nextDue, spooled);
    }

    /**
     * The operator returns the message: what the attempt made final stays so, every other pending
     * recipient fails (an outcome of the attempt that deferred one is superseded).
     */
    private static List<RecipientOutcome> returnedByOperator(QueuedMessage message, List<RecipientOutcome> outcomes) {
        List<RecipientOutcome> settled = new ArrayList<>();
        for (int recipient : message.pending()) {
            RecipientOutcome attempted = outcomes.stream()
                    .filter(o -> o.recipient() == recipient && o.isFinal()).findFirst().orElse(null);
            settled.add(attempted != null ? attempted : RecipientOutcome.local(recipient, Status.BOUNCED, "none",
                    "5.0.0", "returned to the sender by the mail system administrator"));
        }
        return settled;
    }

    /** A deferral that comes after the queue lifetime: the recipient is returned with its last error. */
    private static RecipientOutcome expire(RecipientOutcome deferral, long age) {
        return new RecipientOutcome(deferral.recipient(), Status.BOUNCED, deferral.relay(), deferral.dsn(),
                "message expired after " + DurationWords.describe(Duration.ofMillis(age)) + " in the queue; last error: "
                        + deferral.detail(),
                deferral.remote(), deferral.security());
    }

    private static RecipientState recipientState(RecipientState previous, RecipientOutcome outcome,
            List<RecipientOutcome> attempted) {
        boolean wasAttempted = attempted.stream().anyMatch(o -> o.recipient() == outcome.recipient());
        return previous.toBuilder()
                .setStatus(switch (outcome.status()) {
                    case SENT -> RecipientState.Status.DELIVERED;
                    case BOUNCED -> RecipientState.Status.FAILED;
                    case DEFERRED -> RecipientState.Status.PENDING;
                })
                .setAttempts(previous.getAttempts() + (wasAttempted ? 1 : 0))
                .setLastReply(outcome.detail())
                .setLastRelay(outcome.relay())
                .build();
    }

    private static void log(QueuedMessage message, RecipientOutcome outcome, long now) {
        double delay = (now - message.envelope().arrival().toEpochMilli()) / 1000.0;
        // tls= and dane= follow the relay they describe, on remote attempts only.
        String relay = outcome.relay() + outcome.security().map(security -> ", " + security).orElse("");
        String recipient = message.envelope().recipients().get(outcome.recipient()).address().toString();
        // The fields a JSON log line carries (postillion.log.format); the text line says the same.
        queueLog.atInfo().addKeyValue("queue_id", message.id().toString()).addKeyValue("recipient", recipient)
                .addKeyValue("relay", outcome.relay()).addKeyValue("dsn", outcome.dsn())
                .addKeyValue("outcome", outcome.status().logName())
                .log("{}: to=<{}>, relay={}, delay={}, dsn={}, status={} ({})", message.id(), recipient, relay,
                String.format(Locale.ROOT, "%.2f", Math.max(0, delay)), outcome.dsn(), outcome.status().logName(),
                outcome.detail());
    }
}
