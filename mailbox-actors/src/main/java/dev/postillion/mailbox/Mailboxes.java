package dev.postillion.mailbox;

import com.typesafe.config.Config;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.responder.ResponderMemory;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The node's way to the {@link MailboxActor}s: starts their Cluster Sharding region and finds the
 * entity of an address, wherever in the cluster it lives.
 */
public final class Mailboxes {

    private final ClusterSharding sharding;
    private final Store store;
    private final MailStore mailStore;
    private final ResponderMemory responderMemory;
    private final Duration askTimeout;

    /** {@code postillion.mailbox} settings, documented in mailbox-actors' reference.conf. */
    public record Settings(Duration askTimeout, Duration deliveryMemory, int maxHops, Duration responderInterval,
            Duration deletedRetention) {
        public static Settings from(Config mailbox) {
            return new Settings(mailbox.getDuration("ask-timeout"), mailbox.getDuration("delivery-memory"),
                    mailbox.getInt("max-forward-hops"), mailbox.getDuration("responder-interval"),
                    mailbox.getDuration("deleted-retention"));
        }
    }

    private Mailboxes(ClusterSharding sharding, Store store, Duration askTimeout) {
        this.sharding = sharding;
        this.store = store;
        this.mailStore = new MailStore(store);
        this.responderMemory = new ResponderMemory(store);
        this.askTimeout = askTimeout;
    }

    /** Starts the sharding region of mailboxes on this node. */
    public static Mailboxes start(ActorSystem<?> system, MailboxContext context) {
        ClusterSharding sharding = ClusterSharding.get(system);
        // Made now, not by the first session or mailbox that publishes: an extension's creation
        // may wait for a lock, which no event loop or actor may.
        MailboxChanges.get(system);
        sharding.init(Entity.of(MailboxActor.TYPE_KEY, ctx -> MailboxActor.create(ctx.getEntityId(), context))
                .withStopMessage(new MailboxActor.Passivate()));
        return new Mailboxes(sharding, context.store(), context.settings().askTimeout());
    }

    /** @param address the canonical form, {@code EmailAddress.key()} */
    public EntityRef<MailboxActor.Command> mailbox(String address) {
        return sharding.entityRefFor(MailboxActor.TYPE_KEY, address);
    }

    /** Reads of folders and messages, for the admin API (and IMAP and POP3). */
    public MailStore store() {
        return mailStore;
    }

    public Duration askTimeout() {
        return askTimeout;
    }

    /**
     * Forgets whom the address's responder answered, so that every sender gets the next answer
     * (SPEC section 3, reset on demand).
     */
    public CompletionStage<Void> forgetResponderAnswers(String address) {
        StoreBatch batch = new StoreBatch();
        responderMemory.forget(batch, address);
        return store.commit(batch, Durability.SYNC);
    }

    /**
     * Makes the edit in the address's mailbox; completes with what it came to, or fails when the
     * mailbox did not answer in time.
     */
    public CompletionStage<MailboxEdit.Edited> edit(String address, MailboxEdit edit) {
        return mailbox(address).ask(replyTo -> new MailboxActor.Edit(edit, replyTo), askTimeout);
    }

    /** Completes once the mailbox is empty; fails when the purge could not be written. */
    public CompletionStage<Done> purge(String address) {
        return mailbox(address).askWithStatus(MailboxActor.Purge::new, askTimeout);
    }
}
