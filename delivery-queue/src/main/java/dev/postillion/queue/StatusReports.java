package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.queue.RecipientOutcome.RemoteAnswer;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import dev.postillion.queue.report.Action;
import dev.postillion.queue.report.DeliveryReport;
import dev.postillion.queue.report.RecipientReport;
import dev.postillion.queue.report.ReportSettings;
import dev.postillion.queue.report.ReportWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which delivery status notifications a settled attempt calls for, per recipient as its
 * NOTIFY parameter asks (RFC 3461 section 4.1), and writes them as new messages for the spool.
 */
public final class StatusReports {

    /** A report to spool: from the null sender to the original sender. */
    public record Report(QueueId id, Envelope envelope, byte[] content) {}

    private static final Logger log = LoggerFactory.getLogger(StatusReports.class);

    private final QueueIdGenerator ids;
    private final ReportWriter writer;

    public StatusReports(String hostname, QueueIdGenerator ids, long returnSizeLimit, DeliverySchedule schedule) {
        this.ids = ids;
        this.writer = new ReportWriter(new ReportSettings(hostname, returnSizeLimit, schedule.delayWarning(),
                schedule.maxLifetime()));
    }

    /**
     * The reports about these recipients of {@code message}: one for the failed, one for the
     * delayed (the delay warning) and one for the delivered, each only if some recipient asks for it.
     *
     * @param content the message, which a failure report returns
     */
    List<Report> write(QueuedMessage message, byte[] content, List<RecipientOutcome> sent, List<RecipientOutcome> failed,
            List<RecipientOutcome> delayed, long now) {
        Instant at = Instant.ofEpochMilli(now);
        List<Report> reports = new ArrayList<>();
        report(message, content, at, reports, failed, outcome -> Action.FAILED);
        report(message, content, at, reports, delayed, outcome -> Action.DELAYED);
        report(message, content, at, reports, sent, StatusReports::successAction);
        return reports;
    }

    /**
     * A recipient handed to a server that took the NOTIFY parameter on reports itself (RFC 3461
     * section 6.2.7.2); one that could not take it is reported "relayed" here (section 6.2.7.3).
     */
    private static Action successAction(RecipientOutcome outcome) {
        if (outcome.remote().isEmpty()) {
            return Action.DELIVERED;
        }
        return outcome.remote().map(RemoteAnswer::dsnPassedOn).orElse(false) ? null : Action.RELAYED;
    }

    private void report(QueuedMessage message, byte[] content, Instant at, List<Report> reports,
            List<RecipientOutcome> outcomes, java.util.function.Function<RecipientOutcome, Action> action) {
        Envelope envelope = message.envelope();
        List<RecipientReport> recipients = new ArrayList<>();
        for (RecipientOutcome outcome : outcomes) {
            Envelope.Recipient recipient = envelope.recipients().get(outcome.recipient());
            Action reported = action.apply(outcome);
            if (reported != null && reported.kind().isRequested(envelope, recipient)) {
                recipients.add(RecipientReport.of(recipient, reported, outcome, at));
            }
        }
        if (recipients.isEmpty()) {
            return;
        }
        try {
            DeliveryReport report = writer.write(message.id(), envelope, content == null ? new byte[0] : content,
                    recipients, at);
            Report spooled = new Report(ids.next(), report.envelope(), report.message());
            log.info("{}: sender {} report: {}", message.id(), recipients.get(0).action().kind().name().toLowerCase(
                    java.util.Locale.ROOT), spooled.id());
            reports.add(spooled);
        } catch (RuntimeException e) {
            // A report that cannot be written must not keep the recipients it tells of from settling.
            log.error("{}: cannot write a {} report: {}", message.id(), recipients.get(0).action(), e.toString());
        }
    }
}
