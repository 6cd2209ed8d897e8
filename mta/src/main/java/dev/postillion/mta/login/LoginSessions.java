package dev.postillion.mta.login;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.postillion.mailbox.Address;
import dev.postillion.mailbox.Directory;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The sessions logged in on this node, by address, and the end of those whose password has
 * changed: "any password change cuts access to the address anywhere". A change written through
 * any node is published on a cluster-wide topic; every node then revokes its sessions that logged
 * in with an older password version ({@link Address#passwordVersion()}), and only those, so a
 * session that already logged in with the new password stays.
 *
 * <p>The notice and a login can cross: a node whose directory cache has not yet heard of the
 * change can check the old password, or a login checked just before the change registers just
 * after the notice. So the latest version heard of is kept for {@value #VERSIONS_KEPT} addresses:
 * a login checked against an older one is refused ({@link #outdated}), and one that registers
 * with an older one is revoked at once.
 *
 * <p>The topic delivers at most once: a node that misses a notice (a partition) keeps its older
 * sessions until they end, at the latest after {@code postillion.smtp.session-time-limit}.
 */
public final class LoginSessions {

    /** The protocol of the registry, one actor per node. */
    public sealed interface Command {}

    /**
     * {@code session} logged in as {@code address} (canonical form) with the password of that
     * version; {@code revoke} is where it hears of the change (its message adapter, which cannot be
     * watched: the session itself is).
     */
    public record LoggedIn(String address, long passwordVersion, ActorRef<Revoked> revoke, ActorRef<?> session)
            implements Command {}

    /** The password of {@code address} is now at {@code passwordVersion}; published to every node. */
    public record PasswordChanged(String address, long passwordVersion) implements Command {}

    private record Ended(String address, ActorRef<?> session) implements Command {}

    /** A login the registry holds: where to tell it, and the version it was made with. */
    private record Login(ActorRef<Revoked> revoke, long passwordVersion) {}

    /** Told to a session whose login the password change revoked: it ends. */
    public record Revoked() {}

    private static final int VERSIONS_KEPT = 10_000;

    private final ActorRef<Command> registry;
    /** The latest password version heard of, by address; written by the registry, read by logins. */
    private final Cache<String, Long> latest;

    private LoginSessions(ActorRef<Command> registry, Cache<String, Long> latest) {
        this.registry = registry;
        this.latest = latest;
    }

    /** The node's registry, listening to the cluster's password changes and publishing {@code directory}'s. */
    public static LoginSessions start(ActorSystem<?> system, Directory directory) {
        ActorRef<Topic.Command<PasswordChanged>> topic = system.systemActorOf(
                Topic.create(PasswordChanged.class, "postillion-password-changes"), "password-changes", Props.empty());
        Cache<String, Long> latest = CacheBuilder.newBuilder().maximumSize(VERSIONS_KEPT).build();
        ActorRef<Command> registry = system.systemActorOf(Behaviors.setup(context -> registry(context, latest)),
                "login-sessions", Props.empty());
        topic.tell(Topic.subscribe(registry.narrow()));
        directory.onPasswordChanged(changed -> topic.tell(Topic.publish(
                new PasswordChanged(changed.mailbox().key(), changed.passwordVersion()))));
        return new LoginSessions(registry, latest);
    }

    /** Whether a password of {@code address} at {@code passwordVersion} was changed since, as far as this node heard. */
    public boolean outdated(String address, long passwordVersion) {
        Long known = latest.getIfPresent(address);
        return known != null && passwordVersion < known;
    }

    /**
     * {@code session} logged in as {@code address} (canonical form) with the password of that
     * version; {@code revoke} is told {@link Revoked} when the password changes.
     */
    public void loggedIn(String address, long passwordVersion, ActorRef<Revoked> revoke, ActorRef<?> session) {
        registry.tell(new LoggedIn(address, passwordVersion, revoke, session));
    }

    private static Behavior<Command> registry(ActorContext<Command> context, Cache<String, Long> latest) {
        Map<String, Map<ActorRef<?>, Login>> sessions = new HashMap<>();
        return Behaviors.receive(Command.class)
                .onMessage(LoggedIn.class, login -> {
                    Long known = latest.getIfPresent(login.address());
                    if (known != null && login.passwordVersion() < known) {
                        login.revoke().tell(new Revoked());
                        return Behaviors.same();
                    }
                    context.watchWith(login.session(), new Ended(login.address(), login.session()));
                    sessions.computeIfAbsent(login.address(), address -> new HashMap<>())
                            .put(login.session(), new Login(login.revoke(), login.passwordVersion()));
                    return Behaviors.same();
                })
                .onMessage(PasswordChanged.class, changed -> {
                    latest.asMap().merge(changed.address(), changed.passwordVersion(), Math::max);
                    Map<ActorRef<?>, Login> logins = sessions.get(changed.address());
                    if (logins == null) {
                        return Behaviors.same();
                    }
                    logins.entrySet().removeIf(login -> {
                        boolean older = login.getValue().passwordVersion() < changed.passwordVersion();
                        if (older) {
                            context.unwatch(login.getKey());
                            login.getValue().revoke().tell(new Revoked());
                        }
                        return older;
                    });
                    if (logins.isEmpty()) {
                        sessions.remove(changed.address());
                    }
                    return Behaviors.same();
                })
                .onMessage(Ended.class, ended -> {
                    Map<ActorRef<?>, Login> logins = sessions.get(ended.address());
                    if (logins != null) {
                        logins.remove(ended.session());
                        if (logins.isEmpty()) {
                            sessions.remove(ended.address());
                        }
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
