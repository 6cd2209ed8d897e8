package dev.postillion.mta.policy.limits;

import dev.postillion.core.ProtocolSerializer;
import dev.postillion.mta.policy.limits.proto.RateCountMessage;
import dev.postillion.mta.policy.limits.proto.RateVerdictMessage;
import dev.postillion.mta.policy.limits.proto.SenderCountMessage;
import dev.postillion.mta.policy.limits.proto.SenderOverrideMessage;
import dev.postillion.mta.policy.limits.proto.SenderStandingMessage;
import dev.postillion.mta.policy.limits.proto.SenderStandingQueryMessage;
import java.time.Instant;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Protobuf serialization of the {@link ClientRate} and {@link SenderRate} counters' protocols, for
 * counters that live on another node of the cluster. Bound in mta's reference.conf.
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
        bind("SQ", SenderRate.Standing.class,
                query -> SenderStandingQueryMessage.newBuilder()
                        .setReplyTo(resolver.toSerializationFormat(query.replyTo())).build().toByteArray(),
                bytes -> new SenderRate.Standing(
                        resolver.resolveActorRef(SenderStandingQueryMessage.parseFrom(bytes).getReplyTo())));
        bind("SC", SenderRate.Count.class,
                count -> SenderCountMessage.newBuilder().setRecipients(count.recipients()).build().toByteArray(),
                bytes -> new SenderRate.Count(SenderCountMessage.parseFrom(bytes).getRecipients()));
        bind("SO", SenderRate.SetOverride.class,
                override -> SenderOverrideMessage.newBuilder().putAllOverride(SendingLimit.keyed(override.limits()))
                        .setReplyTo(resolver.toSerializationFormat(override.replyTo())).build().toByteArray(),
                bytes -> {
                    SenderOverrideMessage override = SenderOverrideMessage.parseFrom(bytes);
                    return new SenderRate.SetOverride(SendingLimit.byKeys(override.getOverrideMap()),
                            resolver.resolveActorRef(override.getReplyTo()));
                });
        bind("SS", SenderStanding.class,
                standing -> SenderStandingMessage.newBuilder().putAllLimits(SendingLimit.keyed(standing.limits()))
                        .putAllUsed(SendingLimit.keyed(standing.used())).putAllOverride(SendingLimit.keyed(standing.override()))
                        .setHourEndsEpochMillis(standing.hourEnds().toEpochMilli())
                        .setDayEndsEpochMillis(standing.dayEnds().toEpochMilli()).build().toByteArray(),
                bytes -> {
                    SenderStandingMessage standing = SenderStandingMessage.parseFrom(bytes);
                    return new SenderStanding(SendingLimit.byKeys(standing.getLimitsMap()),
                            SendingLimit.byKeys(standing.getUsedMap()), SendingLimit.byKeys(standing.getOverrideMap()), Instant.ofEpochMilli(standing.getHourEndsEpochMillis()),
                            Instant.ofEpochMilli(standing.getDayEndsEpochMillis()));
                });
        bind("SP", SenderRate.Passivate.class, SenderRate.Passivate::new);
    }

}
