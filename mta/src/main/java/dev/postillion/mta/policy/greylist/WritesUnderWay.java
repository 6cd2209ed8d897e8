package dev.postillion.mta.policy.greylist;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The buffered writes a greylisting actor has under way, so that it stops for passivation only
 * once they have landed: a write landing after the actor stopped could overwrite what its
 * successor wrote since. Buffered, as a record lost in a crash only means one more deferral.
 *
 * @param <C> the actor's protocol
 */
final class WritesUnderWay<C> {

    private final ActorContext<C> context;
    private final Store store;
    /** The message that tells the actor a write has landed. */
    private final Supplier<C> landed;
    private int writing;
    private boolean stopWhenLanded;

    WritesUnderWay(ActorContext<C> context, Store store, Supplier<C> landed) {
        this.context = context;
        this.store = store;
        this.landed = landed;
    }

    void write(StoreBatch batch) {
        writing++;
        context.pipeToSelf(store.commit(batch, Durability.BUFFERED), (ok, failure) -> landed.get());
    }

    /** On the landed message: whether the actor, asked to passivate, may stop now. */
    boolean landedAndMayStop() {
        writing--;
        return stopWhenLanded && writing == 0;
    }

    /** On the passivation request: whether the actor may stop now, or once its writes have landed. */
    boolean passivateAndMayStop() {
        stopWhenLanded = true;
        return writing == 0;
    }
}
