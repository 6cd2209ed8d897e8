package dev.postillion.mta.policy;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The buffered writes a policy's sharded actor (greylisting, sending limits) has under way, so
 * that it stops for passivation only once they have landed: a write landing after the actor
 * stopped could overwrite what its successor wrote since. Buffered, as a record lost in a crash
 * only means one more deferral, or a sender's counts of the last moments.
 *
 * @param <C> the actor's protocol
 */
public final class WritesUnderWay<C> {

    private final ActorContext<C> context;
    private final Store store;
    /** The message that tells the actor a write has landed. */
    private final Supplier<C> landed;
    private int writing;
    private boolean stopWhenLanded;

    public WritesUnderWay(ActorContext<C> context, Store store, Supplier<C> landed) {
        this.context = context;
        this.store = store;
        this.landed = landed;
    }

    public void write(StoreBatch batch) {
        writing++;
        context.pipeToSelf(store.commit(batch, Durability.BUFFERED), (ok, failure) -> landed.get());
    }

    /** On the landed message: whether the actor, asked to passivate, may stop now. */
    public boolean landedAndMayStop() {
        writing--;
        return stopWhenLanded && writing == 0;
    }

    /** On the passivation request: whether the actor may stop now, or once its writes have landed. */
    public boolean passivateAndMayStop() {
        stopWhenLanded = true;
        return writing == 0;
    }
}
