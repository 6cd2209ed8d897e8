package dev.postillion.mta.policy.greylist;

import dev.postillion.core.ProtocolSerializer;
import dev.postillion.mta.policy.greylist.proto.GreylistCheckMessage;
import dev.postillion.mta.policy.greylist.proto.GreylistVerdictMessage;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Protobuf serialization of the greylisting actors' protocol, for triplets and networks whose
 * actor lives on another node of the cluster. Bound in mta's reference.conf.
 */
public final class GreylistSerializer extends ProtocolSerializer {

    public GreylistSerializer(ExtendedActorSystem system) {
        super(system, 74_202, "greylist");
        bindRequest("C", GreylistTriplet.Check.class, GreylistTriplet.Check::replyTo, GreylistTriplet.Check::new);
        bindRequest("F", GreylistTriplet.Forget.class, GreylistTriplet.Forget::replyTo, GreylistTriplet.Forget::new);
        bindRequest("E", GreylistTriplet.Expire.class, GreylistTriplet.Expire::replyTo, GreylistTriplet.Expire::new);
        bindRequest("X", GreylistNetwork.Expire.class, GreylistNetwork.Expire::replyTo, GreylistNetwork.Expire::new);
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

    /** A request that carries only where its answer goes. */
    private <T, R> void bindRequest(String manifest, Class<T> type, Function<T, ActorRef<R>> replyTo,
            Function<ActorRef<R>, T> create) {
        bind(manifest, type,
                request -> GreylistCheckMessage.newBuilder()
                        .setReplyTo(resolver.toSerializationFormat(replyTo.apply(request))).build().toByteArray(),
                bytes -> create.apply(resolver.resolveActorRef(GreylistCheckMessage.parseFrom(bytes).getReplyTo())));
    }
}
