package dev.postillion.mta.policy.greylist;

import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mta.policy.RecordLoading;
import dev.postillion.mta.policy.WritesUnderWay;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.mta.policy.greylist.proto.TripletRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One greylisting triplet (Harris's greylisting; Postfix's postgrey): the first attempt is
 * deferred, a retry after {@code delay} and within {@code retry-window} passes, and from then on
 * the triplet passes until it goes unseen for {@code max-age}. Reached through Cluster Sharding,
 * keyed by {@link Triplet#key()}, so that all nodes of a cluster answer alike; the only writer of
 * its record.
 */
public final class GreylistTriplet extends AbstractBehavior<GreylistTriplet.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "GreylistTriplet");

    public sealed interface Command {}

    /** Is this attempt let through? */
    public record Check(ActorRef<Verdict> replyTo) implements Command {}

    /** Forgets the triplet (the operator's DELETE): its next attempt is a first attempt again. */
    public record Forget(ActorRef<Done> replyTo) implements Command {}

    /**
     * The sweep's request: forget the triplet if it has gone unseen for {@code max-age}. Through the
     * actor, so that it stays the only writer of its record and a check racing the sweep wins.
     */
    public record Expire(ActorRef<Done> replyTo) implements Command {}

    /** Sharding's stop message: the actor stops once its writes have landed. */
    public record Passivate() implements Command {}

    private record Written() implements Command {}

    /** The record as the store had it when the entity started. */
    private record Loaded(Optional<byte[]> value, Throwable failure) implements Command {}

    /** The answer to {@link Check}: pass, or defer with 451 4.7.1; {@code reason} is for the log. */
    public record Verdict(boolean pass, String reason) {}

    /** Store keys of triplet records: this, then {@link Triplet#key()}. */
    static final String KEY_PREFIX = "t/";

    /** How often a passing triplet's last-seen time is written: enough for max-age, few writes. */
    private static final Duration LAST_SEEN_PRECISION = Duration.ofHours(1);

    private final byte[] key;
    private final Clock clock;
    private final GreylistSettings settings;
    private final RecipientRef<GreylistNetwork.Command> network;
    private TripletRecord record;
    private final WritesUnderWay<Command> writes;

    public static Behavior<Command> create(String tripletKey, Store store, Clock clock, GreylistSettings settings,
            RecipientRef<GreylistNetwork.Command> network) {
        return RecordLoading.readThen(Command.class, Loaded.class, store, PolicyFamilies.GREYLIST, tripletStoreKey(tripletKey), Loaded::new,
                Loaded::value, Loaded::failure, (ctx, record) -> new GreylistTriplet(ctx, tripletKey, record.orElse(null), store, clock,
                        settings, network));
    }

    private GreylistTriplet(ActorContext<Command> ctx, String tripletKey, byte[] stored, Store store, Clock clock,
            GreylistSettings settings, RecipientRef<GreylistNetwork.Command> network) {
        super(ctx);
        this.key = tripletStoreKey(tripletKey);
        this.clock = clock;
        this.settings = settings;
        this.network = network;
        this.record = read(stored);
        this.writes = new WritesUnderWay<>(ctx, store, Written::new);
    }

    /** The store key of a triplet's record. */
    static byte[] tripletStoreKey(String tripletKey) {
        return (KEY_PREFIX + tripletKey).getBytes(StandardCharsets.UTF_8);
    }

    static TripletRecord read(byte[] bytes) {
        try {
            return bytes == null ? null : TripletRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt greylist record: " + e.getMessage(), e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Check.class, this::onCheck)
                .onMessage(Forget.class, this::onForget)
                .onMessage(Expire.class, this::onExpire)
                .onMessage(Written.class, written -> writes.landedAndMayStop() ? Behaviors.stopped() : this)
                .onMessage(Passivate.class, passivate -> writes.passivateAndMayStop() ? Behaviors.stopped() : this)
                .build();
    }

    private Behavior<Command> onCheck(Check check) {
        long now = clock.millis();
        check.replyTo().tell(decide(now));
        return this;
    }

    private boolean expired(long now) {
        return now - record.getLastSeenEpochMillis() > settings.maxAge().toMillis();
    }

    private Verdict decide(long now) {
        if (record == null || expired(now)) {
            save(TripletRecord.newBuilder().setFirstSeenEpochMillis(now).setLastSeenEpochMillis(now).build());
            return new Verdict(false, "first attempt");
        }
        long waited = now - record.getFirstSeenEpochMillis();
        if (record.getPassed()) {
            if (now - record.getLastSeenEpochMillis() >= LAST_SEEN_PRECISION.toMillis()) {
                save(record.toBuilder().setLastSeenEpochMillis(now).build());
            }
            return new Verdict(true, "passed before");
        }
        if (waited < settings.delay().toMillis()) {
            return new Verdict(false, "retried after " + waited / 1000 + " s, before the delay of "
                    + settings.delay().toSeconds() + " s");
        }
        if (waited > settings.retryWindow().toMillis()) {
            save(TripletRecord.newBuilder().setFirstSeenEpochMillis(now).setLastSeenEpochMillis(now).build());
            return new Verdict(false, "retried after the retry window; counted as a first attempt");
        }
        save(record.toBuilder().setPassed(true).setLastSeenEpochMillis(now).build());
        network.tell(new GreylistNetwork.Passed());
        return new Verdict(true, "retried after " + waited / 1000 + " s");
    }

    private Behavior<Command> onForget(Forget forget) {
        record = null;
        writes.write(new StoreBatch().delete(PolicyFamilies.GREYLIST, key));
        forget.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<Command> onExpire(Expire expire) {
        if (record != null && expired(clock.millis())) {
            record = null;
            writes.write(new StoreBatch().delete(PolicyFamilies.GREYLIST, key));
        }
        expire.replyTo().tell(Done.getInstance());
        return this;
    }

    private void save(TripletRecord changed) {
        record = changed;
        writes.write(new StoreBatch().put(PolicyFamilies.GREYLIST, key, changed.toByteArray()));
    }

}
