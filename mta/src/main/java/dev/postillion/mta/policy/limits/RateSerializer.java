package dev.postillion.mta.policy.limits;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.proto.RateCountMessage;
import dev.postillion.core.proto.RateVerdictMessage;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Protobuf serialization of the {@link ClientRate} counters' protocol, for counters that live on
 * another node of the cluster. Bound in mta's reference.conf.
 */
public final class RateSerializer extends SerializerWithStringManifest {

    private static final String COUNT = "C";
    private static final String VERDICT = "V";
    private static final String PASSIVATE = "P";
    private static final byte[] EMPTY = new byte[0];

    private final ActorRefResolver resolver;

    public RateSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return 74_203;
    }

    @Override
    public String manifest(Object message) {
        if (message instanceof ClientRate.Count) {
            return COUNT;
        } else if (message instanceof ClientRate.Verdict) {
            return VERDICT;
        } else if (message instanceof ClientRate.Passivate) {
            return PASSIVATE;
        }
        throw new IllegalArgumentException("not a rate counter message: " + message.getClass());
    }

    @Override
    public byte[] toBinary(Object message) {
        if (message instanceof ClientRate.Count count) {
            return RateCountMessage.newBuilder().setLimit(count.limit())
                    .setReplyTo(resolver.toSerializationFormat(count.replyTo())).build().toByteArray();
        } else if (message instanceof ClientRate.Verdict verdict) {
            return RateVerdictMessage.newBuilder().setAllowed(verdict.allowed()).setCount(verdict.count())
                    .build().toByteArray();
        }
        manifest(message);
        return EMPTY;
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try {
            switch (manifest) {
                case COUNT -> {
                    RateCountMessage count = RateCountMessage.parseFrom(bytes);
                    return new ClientRate.Count(count.getLimit(), resolver.resolveActorRef(count.getReplyTo()));
                }
                case VERDICT -> {
                    RateVerdictMessage verdict = RateVerdictMessage.parseFrom(bytes);
                    return new ClientRate.Verdict(verdict.getAllowed(), verdict.getCount());
                }
                case PASSIVATE -> {
                    return new ClientRate.Passivate();
                }
                default -> throw new NotSerializableException("unknown rate counter manifest '" + manifest + "'");
            }
        } catch (InvalidProtocolBufferException e) {
            throw new NotSerializableException("corrupt rate counter message: " + e.getMessage());
        }
    }
}
