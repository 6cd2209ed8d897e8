package dev.postillion.mta.policy.greylist;

import dev.postillion.core.ProtocolSerializer;
import dev.postillion.core.proto.GreylistCheckMessage;
import dev.postillion.core.proto.GreylistVerdictMessage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Protobuf serialization of the greylisting actors' protocol, for triplets and networks whose
 * actor lives on another node of the cluster. Bound in mta's reference.conf.
 */
public final class GreylistSerializer extends ProtocolSerializer {

    public GreylistSerializer(ExtendedActorSystem system) {
        super(system, 74_202, "greylist");
        bind("C", GreylistTriplet.Check.class, check -> replyTo(check.replyTo()),
                bytes -> new GreylistTriplet.Check(resolver.resolveActorRef(
                        GreylistCheckMessage.parseFrom(bytes).getReplyTo())));
        bind("F", GreylistTriplet.Forget.class, forget -> replyTo(forget.replyTo()),
                bytes -> new GreylistTriplet.Forget(resolver.resolveActorRef(
                        GreylistCheckMessage.parseFrom(bytes).getReplyTo())));
        bind("V", GreylistTriplet.Verdict.class,
                verdict -> GreylistVerdictMessage.newBuilder().setPass(verdict.pass()).setReason(verdict.reason())
                        .build().toByteArray(),
                bytes -> {
                    GreylistVerdictMessage verdict = GreylistVerdictMessage.parseFrom(bytes);
                    return new GreylistTriplet.Verdict(verdict.getPass(), verdict.getReason());
                });
        bind("S", GreylistTriplet.Passivate.class, GreylistTriplet.Passivate::new);
        bind("N", GreylistNetwork.Passed.class, GreylistNetwork.Passed::new);
        bind("T", GreylistNetwork.Passivate.class, GreylistNetwork.Passivate::new);
    }

    /** Check and Forget carry only where the answer goes. */
    private byte[] replyTo(ActorRef<?> replyTo) {
        return GreylistCheckMessage.newBuilder().setReplyTo(resolver.toSerializationFormat(replyTo)).build()
                .toByteArray();
    }
}
