package dev.postillion.mta.policy.greylist;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.NetworkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A client network's count of triplets that passed greylisting: once it reaches
 * {@code auto-whitelist}, the network is a sender that retries properly and is no longer
 * greylisted (postgrey's auto-whitelist-clients). Reached through Cluster Sharding, keyed by the
 * network; the only writer of its count.
 */
public final class GreylistNetwork extends AbstractBehavior<GreylistNetwork.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "GreylistNetwork");

    public sealed interface Command {}

    /** One more triplet of this network passed. */
    public record Passed() implements Command {}

    /** Sharding's stop message: the actor stops once its writes have landed. */
    public record Passivate() implements Command {}

    private record Written(Throwable failure) implements Command {}

    private final byte[] key;
    private final Store store;
    private final Clock clock;
    private NetworkRecord record;
    private int writing;
    private boolean stopWhenWritten;

    public static Behavior<Command> create(String network, Store store, Clock clock) {
        return Behaviors.setup(ctx -> new GreylistNetwork(ctx, network, store, clock));
    }

    private GreylistNetwork(ActorContext<Command> ctx, String network, Store store, Clock clock) {
        super(ctx);
        this.key = networkStoreKey(network);
        this.store = store;
        this.clock = clock;
        this.record = read(store.get(StoreFamily.GREYLIST, key));
    }

    static byte[] networkStoreKey(String network) {
        return ("n/" + network).getBytes(StandardCharsets.UTF_8);
    }

    static NetworkRecord read(byte[] bytes) {
        try {
            return bytes == null ? NetworkRecord.getDefaultInstance() : NetworkRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt greylist network record: " + e.getMessage(), e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Passed.class, passed -> {
                    record = record.toBuilder().setPasses(record.getPasses() + 1)
                            .setLastPassEpochMillis(clock.millis()).build();
                    writing++;
                    getContext().pipeToSelf(store.commit(new StoreBatch().put(StoreFamily.GREYLIST, key,
                            record.toByteArray()), Durability.BUFFERED), (ok, failure) -> new Written(failure));
                    return this;
                })
                .onMessage(Written.class, written -> {
                    writing--;
                    return stopWhenWritten && writing == 0 ? Behaviors.stopped() : this;
                })
                .onMessage(Passivate.class, passivate -> {
                    stopWhenWritten = true;
                    return writing == 0 ? Behaviors.stopped() : this;
                })
                .build();
    }
}
