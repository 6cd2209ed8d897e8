package dev.postillion.mta.policy.limits;

import dev.postillion.core.ProtocolSerializer;
import dev.postillion.mta.policy.limits.proto.RateCountMessage;
import dev.postillion.mta.policy.limits.proto.RateVerdictMessage;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Protobuf serialization of the {@link ClientRate} counters' protocol, for counters that live on
 * another node of the cluster. Bound in mta's reference.conf.
 */
public final class RateSerializer extends ProtocolSerializer {

    public RateSerializer(ExtendedActorSystem system) {
        super(system, 74_203, "rate counter");
        bind("C", ClientRate.Count.class,
                count -> RateCountMessage.newBuilder().setLimit(count.limit())
                        .setReplyTo(resolver.toSerializationFormat(count.replyTo())).build().toByteArray(),
                bytes -> {
                    RateCountMessage count = RateCountMessage.parseFrom(bytes);
                    return new ClientRate.Count(count.getLimit(), resolver.resolveActorRef(count.getReplyTo()));
                });
        bind("V", ClientRate.Verdict.class,
                verdict -> RateVerdictMessage.newBuilder().setAllowed(verdict.allowed()).setCount(verdict.count())
                        .build().toByteArray(),
                bytes -> {
                    RateVerdictMessage verdict = RateVerdictMessage.parseFrom(bytes);
                    return new ClientRate.Verdict(verdict.getAllowed(), verdict.getCount());
                });
        bind("P", ClientRate.Passivate.class, ClientRate.Passivate::new);
    }
}
