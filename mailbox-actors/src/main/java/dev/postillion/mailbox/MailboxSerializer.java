package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.proto.DeliverMessage;
import dev.postillion.core.proto.DeliveredMessage;
import dev.postillion.core.proto.PurgeMessage;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Protobuf serialization of the {@link MailboxActor} protocol, for deliveries to a mailbox that
 * lives on another node of the cluster. Bound in mailbox-actors' reference.conf.
 */
public final class MailboxSerializer extends SerializerWithStringManifest {

    private static final String DELIVER = "D";
    private static final String DELIVERED = "R";
    private static final String PURGE = "P";
    private static final String PASSIVATE = "S";

    private final ActorRefResolver resolver;

    public MailboxSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return 74_201;
    }

    @Override
    public String manifest(Object message) {
        if (message instanceof MailboxActor.Deliver) {
            return DELIVER;
        } else if (message instanceof MailboxActor.Delivered) {
            return DELIVERED;
        } else if (message instanceof MailboxActor.Purge) {
            return PURGE;
        } else if (message instanceof MailboxActor.Passivate) {
            return PASSIVATE;
        }
        throw new IllegalArgumentException("not a mailbox message: " + message.getClass());
    }

    @Override
    public byte[] toBinary(Object message) {
        if (message instanceof MailboxActor.Deliver deliver) {
            return DeliverMessage.newBuilder()
                    .setQueueId(deliver.queueId().toString())
                    .setRecipient(deliver.recipient())
                    .setEnvelope(deliver.envelope().toRecord())
                    .setContent(ByteString.copyFrom(deliver.content()))
                    .setReplyTo(resolver.toSerializationFormat(deliver.replyTo()))
                    .build().toByteArray();
        } else if (message instanceof MailboxActor.Delivered delivered) {
            return DeliveredMessage.newBuilder()
                    .setQueueId(delivered.queueId().toString())
                    .setRecipient(delivered.recipient())
                    .setUid(delivered.uid())
                    .setFailure(delivered.failure() == null ? "" : delivered.failure())
                    .build().toByteArray();
        } else if (message instanceof MailboxActor.Purge purge) {
            return PurgeMessage.newBuilder().setReplyTo(resolver.toSerializationFormat(purge.replyTo())).build()
                    .toByteArray();
        } else if (message instanceof MailboxActor.Passivate) {
            return new byte[0];
        }
        throw new IllegalArgumentException("not a mailbox message: " + message.getClass());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try {
            switch (manifest) {
                case DELIVER -> {
                    DeliverMessage m = DeliverMessage.parseFrom(bytes);
                    return new MailboxActor.Deliver(QueueId.parse(m.getQueueId()), m.getRecipient(),
                            Envelope.fromRecord(m.getEnvelope()),
                            m.getContent().toByteArray(), resolver.resolveActorRef(m.getReplyTo()));
                }
                case DELIVERED -> {
                    DeliveredMessage m = DeliveredMessage.parseFrom(bytes);
                    return new MailboxActor.Delivered(QueueId.parse(m.getQueueId()), m.getRecipient(), m.getUid(),
                            m.getFailure().isEmpty() ? null : m.getFailure());
                }
                case PURGE -> {
                    return new MailboxActor.Purge(resolver.resolveActorRef(PurgeMessage.parseFrom(bytes).getReplyTo()));
                }
                case PASSIVATE -> {
                    return new MailboxActor.Passivate();
                }
                default -> throw new NotSerializableException("unknown mailbox message manifest '" + manifest + "'");
            }
        } catch (InvalidProtocolBufferException e) {
            throw new NotSerializableException("corrupt mailbox message: " + e.getMessage());
        }
    }
}
