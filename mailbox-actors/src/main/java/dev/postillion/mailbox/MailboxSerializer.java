package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import dev.postillion.core.Envelope;
import dev.postillion.core.ProtocolSerializer;
import dev.postillion.core.QueueId;
import dev.postillion.queue.EnvelopeRecords;
import dev.postillion.mailbox.proto.DeliverMessage;
import dev.postillion.mailbox.proto.DeliveredMessage;
import dev.postillion.mailbox.proto.EditMessage;
import dev.postillion.mailbox.proto.EditedMessage;
import dev.postillion.mailbox.proto.MailboxChangedMessage;
import dev.postillion.mailbox.proto.PurgeMessage;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Protobuf serialization of the {@link MailboxActor} protocol, for deliveries to a mailbox that
 * lives on another node of the cluster, and of the directory's change notices ({@link
 * DirectoryChanges}). Bound in mailbox-actors' reference.conf.
 */
public final class MailboxSerializer extends ProtocolSerializer {

    public MailboxSerializer(ExtendedActorSystem system) {
        super(system, 74_201, "mailbox");
        bind("D", MailboxActor.Deliver.class,
                deliver -> DeliverMessage.newBuilder()
                        .setQueueId(deliver.queueId().toString())
                        .setRecipient(deliver.recipient())
                        .setEnvelope(EnvelopeRecords.toRecord(deliver.envelope()))
                        .setContent(ByteString.copyFrom(deliver.content()))
                        .setReplyTo(resolver.toSerializationFormat(deliver.replyTo()))
                        .build().toByteArray(),
                bytes -> {
                    DeliverMessage m = DeliverMessage.parseFrom(bytes);
                    return new MailboxActor.Deliver(QueueId.parse(m.getQueueId()), m.getRecipient(),
                            EnvelopeRecords.fromRecord(m.getEnvelope()), m.getContent().toByteArray(),
                            resolver.resolveActorRef(m.getReplyTo()));
                });
        bind("R", MailboxActor.Delivered.class,
                delivered -> DeliveredMessage.newBuilder()
                        .setQueueId(delivered.queueId().toString())
                        .setRecipient(delivered.recipient())
                        .setContentId(delivered.contentId())
                        .setFailure(delivered.failure() == null ? "" : delivered.failure())
                        .build().toByteArray(),
                bytes -> {
                    DeliveredMessage m = DeliveredMessage.parseFrom(bytes);
                    return new MailboxActor.Delivered(QueueId.parse(m.getQueueId()), m.getRecipient(), m.getContentId(),
                            m.getFailure().isEmpty() ? null : m.getFailure());
                });
        bind("P", MailboxActor.Purge.class,
                purge -> PurgeMessage.newBuilder().setReplyTo(resolver.toSerializationFormat(purge.replyTo()))
                        .build().toByteArray(),
                bytes -> new MailboxActor.Purge(resolver.resolveActorRef(PurgeMessage.parseFrom(bytes).getReplyTo())));
        bind("E", MailboxActor.Edit.class,
                edit -> MailboxEditRecords.toRecord(edit.edit())
                        .setReplyTo(resolver.toSerializationFormat(edit.replyTo())).build().toByteArray(),
                bytes -> {
                    EditMessage m = EditMessage.parseFrom(bytes);
                    return new MailboxActor.Edit(MailboxEditRecords.fromRecord(m), resolver.resolveActorRef(m.getReplyTo()));
                });
        bind("F", MailboxEdit.Edited.class, edited -> MailboxEditRecords.toRecord(edited).toByteArray(),
                bytes -> MailboxEditRecords.fromRecord(EditedMessage.parseFrom(bytes)));
        bind("M", MailboxChanges.Changed.class,
                changed -> MailboxChangedMessage.newBuilder().setAddress(changed.address())
                        .addAllFolders(changed.folders()).build().toByteArray(),
                bytes -> {
                    MailboxChangedMessage m = MailboxChangedMessage.parseFrom(bytes);
                    return new MailboxChanges.Changed(m.getAddress(), List.copyOf(m.getFoldersList()));
                });
        bind("S", MailboxActor.Passivate.class, MailboxActor.Passivate::new);
        bind("C", DirectoryChanges.Changed.class, DirectoryChanges.Changed::new);
    }
}
