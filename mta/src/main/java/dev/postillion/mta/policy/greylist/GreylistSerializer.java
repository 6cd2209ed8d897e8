package dev.postillion.mta.policy.greylist;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.proto.GreylistCheckMessage;
import dev.postillion.core.proto.GreylistVerdictMessage;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Protobuf serialization of the greylisting actors' protocol, for triplets and networks whose
 * actor lives on another node of the cluster. Bound in mta's reference.conf.
 */
public final class GreylistSerializer extends SerializerWithStringManifest {

    private static final String CHECK = "C";
    private static final String VERDICT = "V";
    private static final String FORGET = "F";
    private static final String TRIPLET_PASSIVATE = "S";
    private static final String NETWORK_PASSED = "N";
    private static final String NETWORK_PASSIVATE = "T";
    private static final byte[] EMPTY = new byte[0];

    private final ActorRefResolver resolver;

    public GreylistSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return 74_202;
    }

    @Override
    public String manifest(Object message) {
        if (message instanceof GreylistTriplet.Check) {
            return CHECK;
        } else if (message instanceof GreylistTriplet.Verdict) {
            return VERDICT;
        } else if (message instanceof GreylistTriplet.Forget) {
            return FORGET;
        } else if (message instanceof GreylistTriplet.Passivate) {
            return TRIPLET_PASSIVATE;
        } else if (message instanceof GreylistNetwork.Passed) {
            return NETWORK_PASSED;
        } else if (message instanceof GreylistNetwork.Passivate) {
            return NETWORK_PASSIVATE;
        }
        throw new IllegalArgumentException("not a greylist message: " + message.getClass());
    }

    @Override
    public byte[] toBinary(Object message) {
        if (message instanceof GreylistTriplet.Check check) {
            return GreylistCheckMessage.newBuilder().setReplyTo(resolver.toSerializationFormat(check.replyTo()))
                    .build().toByteArray();
        } else if (message instanceof GreylistTriplet.Forget forget) {
            return GreylistCheckMessage.newBuilder().setReplyTo(resolver.toSerializationFormat(forget.replyTo()))
                    .build().toByteArray();
        } else if (message instanceof GreylistTriplet.Verdict verdict) {
            return GreylistVerdictMessage.newBuilder().setPass(verdict.pass()).setReason(verdict.reason())
                    .build().toByteArray();
        }
        manifest(message);
        return EMPTY;
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try {
            switch (manifest) {
                case CHECK -> {
                    return new GreylistTriplet.Check(
                            resolver.resolveActorRef(GreylistCheckMessage.parseFrom(bytes).getReplyTo()));
                }
                case FORGET -> {
                    return new GreylistTriplet.Forget(
                            resolver.resolveActorRef(GreylistCheckMessage.parseFrom(bytes).getReplyTo()));
                }
                case VERDICT -> {
                    GreylistVerdictMessage verdict = GreylistVerdictMessage.parseFrom(bytes);
                    return new GreylistTriplet.Verdict(verdict.getPass(), verdict.getReason());
                }
                case TRIPLET_PASSIVATE -> {
                    return new GreylistTriplet.Passivate();
                }
                case NETWORK_PASSED -> {
                    return new GreylistNetwork.Passed();
                }
                case NETWORK_PASSIVATE -> {
                    return new GreylistNetwork.Passivate();
                }
                default -> throw new NotSerializableException("unknown greylist message manifest '" + manifest + "'");
            }
        } catch (InvalidProtocolBufferException e) {
            throw new NotSerializableException("corrupt greylist message: " + e.getMessage());
        }
    }
}
