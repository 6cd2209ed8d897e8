package dev.postillion.mta.policy.greylist;

import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mta.policy.RecordLoading;
import dev.postillion.mta.policy.WritesUnderWay;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.mta.policy.greylist.proto.NetworkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A client network's count of triplets that passed greylisting: once it reaches
 * {@code auto-whitelist}, the network is a sender that retries properly and is no longer
 * greylisted (postgrey's auto-whitelist-clients). A network none of whose triplets passed for
 * {@code max-age} starts counting again, as postgrey forgets such clients. Reached through Cluster
 * Sharding, keyed by the network; the only writer of its count.
 */
public final class GreylistNetwork extends AbstractBehavior<GreylistNetwork.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "GreylistNetwork");

    public sealed interface Command {}

    /** One more triplet of this network passed. */
    public record Passed() implements Command {}

    /** The sweep's request: forget the count if no triplet passed for {@code max-age}. */
    public record Expire(ActorRef<Done> replyTo) implements Command {}

    /** Sharding's stop message: the actor stops once its writes have landed. */
    public record Passivate() implements Command {}

    private record Written() implements Command {}

    /** The record as the store had it when the entity started. */
    private record Loaded(Optional<byte[]> value, Throwable failure) implements Command {}

    /** Store keys of network records: this, then the network. */
    static final String KEY_PREFIX = "n/";

    private final byte[] key;
    private final Clock clock;
    private final Duration maxAge;
    private NetworkRecord record;
    private final WritesUnderWay<Command> writes;

    public static Behavior<Command> create(String network, Store store, Clock clock, Duration maxAge) {
        return RecordLoading.readThen(Command.class, Loaded.class, store, PolicyFamilies.GREYLIST, networkStoreKey(network), Loaded::new,
                Loaded::value, Loaded::failure, (ctx, record) -> new GreylistNetwork(ctx, network, record.orElse(null), store, clock,
                        maxAge));
    }

    private GreylistNetwork(ActorContext<Command> ctx, String network, byte[] stored, Store store, Clock clock,
            Duration maxAge) {
        super(ctx);
        this.key = networkStoreKey(network);
        this.clock = clock;
        this.maxAge = maxAge;
        this.record = read(stored);
        this.writes = new WritesUnderWay<>(ctx, store, Written::new);
    }

    static byte[] networkStoreKey(String network) {
        return (KEY_PREFIX + network).getBytes(StandardCharsets.UTF_8);
    }

    static NetworkRecord read(byte[] bytes) {
        try {
            return bytes == null ? NetworkRecord.getDefaultInstance() : NetworkRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt greylist network record: " + e.getMessage(), e);
        }
    }

    /** Whether the count has lapsed: no pass for longer than {@code max-age} at {@code now}. */
    static boolean lapsed(NetworkRecord record, long now, Duration maxAge) {
        return now - record.getLastPassEpochMillis() > maxAge.toMillis();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Passed.class, passed -> {
                    long now = clock.millis();
                    int before = lapsed(record, now, maxAge) ? 0 : record.getPasses();
                    record = record.toBuilder().setPasses(before + 1).setLastPassEpochMillis(now).build();
                    writes.write(new StoreBatch().put(PolicyFamilies.GREYLIST, key, record.toByteArray()));
                    return this;
                })
                .onMessage(Expire.class, expire -> {
                    if (record.getPasses() > 0 && lapsed(record, clock.millis(), maxAge)) {
                        record = NetworkRecord.getDefaultInstance();
                        writes.write(new StoreBatch().delete(PolicyFamilies.GREYLIST, key));
                    }
                    expire.replyTo().tell(Done.getInstance());
                    return this;
                })
                .onMessage(Written.class, written -> writes.landedAndMayStop() ? Behaviors.stopped() : this)
                .onMessage(Passivate.class, passivate -> writes.passivateAndMayStop() ? Behaviors.stopped() : this)
                .build();
    }

}
