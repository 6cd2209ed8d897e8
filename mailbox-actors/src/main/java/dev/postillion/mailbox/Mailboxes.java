package dev.postillion.mailbox;

import dev.postillion.core.Store;
import com.typesafe.config.Config;
import java.time.Clock;
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
    private final MailStore mailStore;
    private final Duration askTimeout;

    /** {@code postillion.mailbox} settings, documented in mailbox-actors' reference.conf. */
    public record Settings(Duration askTimeout, Duration deliveryMemory) {
        public static Settings from(Config mailbox) {
            return new Settings(mailbox.getDuration("ask-timeout"), mailbox.getDuration("delivery-memory"));
        }
    }

    private Mailboxes(ClusterSharding sharding, MailStore mailStore, Duration askTimeout) {
        this.sharding = sharding;
        this.mailStore = mailStore;
        this.askTimeout = askTimeout;
    }

    /** Starts the sharding region of mailboxes on this node. */
    public static Mailboxes start(ActorSystem<?> system, Store store, Clock clock, Settings settings) {
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(MailboxActor.TYPE_KEY,
                        ctx -> MailboxActor.create(ctx.getEntityId(), store, clock, settings.deliveryMemory()))
                .withStopMessage(new MailboxActor.Passivate()));
        return new Mailboxes(sharding, new MailStore(store), settings.askTimeout());
    }

    /** @param address the canonical form, {@code EmailAddress.key()} */
    public EntityRef<MailboxActor.Command> mailbox(String address) {
        return sharding.entityRefFor(MailboxActor.TYPE_KEY, address);
    }

    /** Reads of stored messages, for the admin API (and later IMAP and POP3). */
    public MailStore store() {
        return mailStore;
    }

    public Duration askTimeout() {
        return askTimeout;
    }

    /** Completes once the mailbox is empty; fails when the purge could not be written. */
    public CompletionStage<Done> purge(String address) {
        return mailbox(address).askWithStatus(MailboxActor.Purge::new, askTimeout);
    }
}
