package dev.postillion.queue.cluster;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.ProtocolSerializer;
import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueEntry;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.proto.FlushQueueMessage;
import dev.postillion.queue.proto.ListQueueMessage;
import dev.postillion.queue.proto.OperateOnQueuedMessage;
import dev.postillion.queue.proto.QueueEntryMessage;
import dev.postillion.queue.proto.QueueFilterMessage;
import dev.postillion.queue.proto.QueueFlushedMessage;
import dev.postillion.queue.proto.QueueListedMessage;
import dev.postillion.queue.proto.QueueOperatedMessage;
import dev.postillion.queue.proto.QueueRecipientMessage;
import dev.postillion.queue.proto.QueuedShownMessage;
import dev.postillion.queue.proto.ShowQueuedMessage;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Protobuf serialization of the {@link QueueAdminService} protocol ({@code queue_admin.proto}),
 * for the admin API of one node asking another about its queue. Bound in delivery-queue's
 * reference.conf. Requests carry their answer's actor reference; answers carry queue entries.
 */
public final class QueueAdminSerializer extends ProtocolSerializer {

    public QueueAdminSerializer(ExtendedActorSystem system) {
        super(system, 74_211, "queue admin");
        bindRequests();
        bindAnswers();
    }

    private void bindRequests() {
        bind("L", QueueAdminService.ListQueue.class,
                list -> ListQueueMessage.newBuilder()
                        .setFilter(QueueFilterMessage.newBuilder()
                                .setState(list.filter().state().map(Enum::name).orElse(""))
                                .setDomain(list.filter().domain().orElse(""))
                                .setSender(list.filter().sender().orElse("")))
                        .setAfter(list.after().map(QueueId::toString).orElse(""))
                        .setLimit(list.limit())
                        .setReplyTo(resolver.toSerializationFormat(list.replyTo()))
                        .build().toByteArray(),
                bytes -> {
                    ListQueueMessage list = ListQueueMessage.parseFrom(bytes);
                    QueueFilterMessage filter = list.getFilter();
                    return new QueueAdminService.ListQueue(new QueueAdmin.Filter(
                            present(filter.getState()).map(QueueAdmin.State::valueOf),
                            present(filter.getDomain()), present(filter.getSender())),
                            present(list.getAfter()).map(QueueId::parse), list.getLimit(),
                            resolver.resolveActorRef(list.getReplyTo()));
                });
        bind("S", QueueAdminService.Show.class,
                show -> ShowQueuedMessage.newBuilder().setId(show.id().toString())
                        .setReplyTo(resolver.toSerializationFormat(show.replyTo())).build().toByteArray(),
                bytes -> {
                    ShowQueuedMessage show = ShowQueuedMessage.parseFrom(bytes);
                    return new QueueAdminService.Show(QueueId.parse(show.getId()),
                            resolver.resolveActorRef(show.getReplyTo()));
                });
        bind("O", QueueAdminService.Operate.class,
                operate -> OperateOnQueuedMessage.newBuilder().setId(operate.id().toString())
                        .setOperation(operate.operation().name())
                        .setReplyTo(resolver.toSerializationFormat(operate.replyTo())).build().toByteArray(),
                bytes -> {
                    OperateOnQueuedMessage operate = OperateOnQueuedMessage.parseFrom(bytes);
                    return new QueueAdminService.Operate(QueueId.parse(operate.getId()),
                            Operation.valueOf(operate.getOperation()), resolver.resolveActorRef(operate.getReplyTo()));
                });
        bind("F", QueueAdminService.Flush.class,
                flush -> FlushQueueMessage.newBuilder().setDomain(flush.domain().orElse(""))
                        .setReplyTo(resolver.toSerializationFormat(flush.replyTo())).build().toByteArray(),
                bytes -> {
                    FlushQueueMessage flush = FlushQueueMessage.parseFrom(bytes);
                    return new QueueAdminService.Flush(present(flush.getDomain()),
                            resolver.resolveActorRef(flush.getReplyTo()));
                });
    }

    private void bindAnswers() {
        bind("l", QueueAdminService.Listed.class,
                listed -> {
                    QueueListedMessage.Builder message = QueueListedMessage.newBuilder()
                            .setNext(listed.page().next().map(QueueId::toString).orElse(""));
                    listed.page().messages().forEach(entry -> message.addMessages(entryMessage(entry)));
                    return message.build().toByteArray();
                },
                bytes -> {
                    QueueListedMessage listed = QueueListedMessage.parseFrom(bytes);
                    return new QueueAdminService.Listed(new QueueAdmin.Page(
                            listed.getMessagesList().stream().map(QueueAdminSerializer::entry).toList(),
                            present(listed.getNext()).map(QueueId::parse)));
                });
        bind("s", QueueAdminService.Shown.class,
                shown -> {
                    QueuedShownMessage.Builder message = QueuedShownMessage.newBuilder().setSize(shown.size());
                    shown.message().ifPresent(entry -> message.setMessage(entryMessage(entry)));
                    return message.build().toByteArray();
                },
                bytes -> {
                    QueuedShownMessage shown = QueuedShownMessage.parseFrom(bytes);
                    return new QueueAdminService.Shown(shown.hasMessage() ? Optional.of(entry(shown.getMessage()))
                            : Optional.empty(), shown.getSize());
                });
        bind("o", QueueAdminService.Operated.class,
                operated -> QueueOperatedMessage.newBuilder().setResult(operated.result().name()).build().toByteArray(),
                bytes -> new QueueAdminService.Operated(
                        OperationResult.valueOf(QueueOperatedMessage.parseFrom(bytes).getResult())));
        bind("f", QueueAdminService.Flushed.class,
                flushed -> QueueFlushedMessage.newBuilder().setRetried(flushed.retried()).build().toByteArray(),
                bytes -> new QueueAdminService.Flushed(QueueFlushedMessage.parseFrom(bytes).getRetried()));
        bind("x", QueueAdminService.Failed.class, QueueAdminService.Failed::new);
    }

    private static QueueEntryMessage entryMessage(QueueEntry entry) {
        QueueEntryMessage.Builder message = QueueEntryMessage.newBuilder()
                .setId(entry.id().toString())
                .setState(entry.state().name())
                .setSender(entry.sender().map(EmailAddress::toString).orElse(""))
                .setArrivalEpochMillis(entry.arrival().toEpochMilli())
                .setAttempts(entry.attempts())
                .setNextAttemptEpochMillis(entry.nextAttempt().map(Instant::toEpochMilli).orElse(0L))
                .setDelayWarningSent(entry.delayWarningSent())
                .setSize(entry.size().orElse(0));
        for (QueueEntry.Recipient recipient : entry.recipients()) {
            message.addRecipients(QueueRecipientMessage.newBuilder()
                    .setAddress(recipient.address().toString())
                    .setProgress(recipient.progress().name())
                    .setAttempts(recipient.attempts())
                    .setLastResult(recipient.lastResult().orElse("")));
        }
        return message.build();
    }

    /** The entry a message holds; its addresses were valid when spooled, SMTPUTF8 ones too. */
    private static QueueEntry entry(QueueEntryMessage message) {
        return new QueueEntry(QueueId.parse(message.getId()), QueueAdmin.State.valueOf(message.getState()),
                present(message.getSender()).map(sender -> EmailAddress.parse(sender, true)),
                Instant.ofEpochMilli(message.getArrivalEpochMillis()), message.getAttempts(),
                message.getNextAttemptEpochMillis() == 0 ? Optional.empty()
                        : Optional.of(Instant.ofEpochMilli(message.getNextAttemptEpochMillis())),
                message.getDelayWarningSent(),
                message.getRecipientsList().stream().map(recipient -> new QueueEntry.Recipient(
                        EmailAddress.parse(recipient.getAddress(), true),
                        QueueEntry.Progress.valueOf(recipient.getProgress()), recipient.getAttempts(),
                        present(recipient.getLastResult()))).toList(),
                message.getSize() > 0 ? OptionalLong.of(message.getSize()) : OptionalLong.empty());
    }

    /** Proto3 strings are never absent: empty stands for none. */
    private static Optional<String> present(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
