package dev.postillion.mta.policy;

import dev.postillion.core.Store;
import dev.postillion.core.StoreFamily;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a policy's sharded entity (greylisting, sending limits): its record is read on the store's reader threads (ARCHITECTURE
 * rule 2), and the commands arriving meanwhile wait in a stash, to be handled in order once it is
 * in. An entity whose record cannot be read stops; the sessions' checks then time out, which they
 * answer with a 451.
 */
public final class RecordLoading {

    /** Commands arriving before the record: a burst of one triplet's RCPTs or one sender's MAILs, never many more. */
    private static final int STASH_CAPACITY = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(RecordLoading.class);

    private RecordLoading() {}

    /**
     * @param loaded wraps the outcome of the read as a command of the entity; {@code value} and
     *     {@code failure} take it apart again
     * @param start the entity's behaviour with the record as read (empty when there is none)
     */
    public static <C, L extends C> Behavior<C> readThen(Class<C> commands, Class<L> loadedType, Store store,
            StoreFamily family, byte[] key,
            BiFunction<Optional<byte[]>, Throwable, L> loaded, Function<L, Optional<byte[]>> value,
            Function<L, Throwable> failure, BiFunction<ActorContext<C>, Optional<byte[]>, Behavior<C>> start) {
        return Behaviors.withStash(STASH_CAPACITY, stash -> Behaviors.setup(context -> {
            context.pipeToSelf(store.read(family, key), loaded::apply);
            return Behaviors.receive(commands)
                    .onMessage(loadedType, read -> {
                        Throwable failed = failure.apply(read);
                        if (failed != null) {
                            LOG.warn("{} record {} not read, entity stops: {}", family.name(), context.getSelf().path().name(),
                                    failed.toString());
                            return Behaviors.stopped();
                        }
                        return stash.unstashAll(start.apply(context, value.apply(read)));
                    })
                    .onMessage(commands, command -> {
                        stash.stash(command);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
