package dev.postillion.queue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.QueueId;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import dev.postillion.queue.proto.RecipientState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A queued message as the operator sees it (Postfix's mailq line): what other modules are given
 * instead of the spool's records.
 *
 * @param sender empty for the null reverse-path
 * @param nextAttempt empty while the message is on hold
 * @param size the octets queued, from the message's record; empty for a record written before the
 *     spool kept sizes ({@link QueueAdmin#size} reads its content instead)
 */
public record QueueEntry(QueueId id, QueueAdmin.State state, Optional<EmailAddress> sender, Instant arrival,
        int attempts, Optional<Instant> nextAttempt, boolean delayWarningSent, List<Recipient> recipients,
        OptionalLong size) {

    public QueueEntry {
        recipients = List.copyOf(recipients);
    }

    /** Where one recipient stands. @param lastResult the last reply or reason, empty before any attempt */
    public record Recipient(EmailAddress address, Progress progress, int attempts, Optional<String> lastResult) {}

    public enum Progress {
        PENDING, DELIVERED, FAILED;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static QueueEntry of(QueuedMessage message) {
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < message.envelope().recipients().size(); i++) {
            RecipientState state = message.recipient(i);
            recipients.add(new Recipient(message.envelope().recipients().get(i).address(), progress(state),
                    state.getAttempts(), state.getLastReply().isEmpty() ? Optional.empty()
                            : Optional.of(state.getLastReply())));
        }
        return new QueueEntry(message.id(), QueueAdmin.State.of(message), message.envelope().sender(),
                message.envelope().arrival(), message.state().getAttempts(),
                message.state().getHeld() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(message.due())),
                message.state().getDelayWarned(), recipients,
                message.contentSize() > 0 ? OptionalLong.of(message.contentSize()) : OptionalLong.empty());
    }

    private static Progress progress(RecipientState state) {
        return switch (state.getStatus()) {
            case DELIVERED -> Progress.DELIVERED;
            case FAILED -> Progress.FAILED;
            case PENDING, UNRECOGNIZED -> Progress.PENDING;
        };
    }
}
