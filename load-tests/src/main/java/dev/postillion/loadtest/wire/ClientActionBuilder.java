package dev.postillion.loadtest.wire;

import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One step of a mailbox protocol's dialogue as a Gatling action, with its checks. Immutable.
 *
 * @param <C> the protocol's client
 * @param <R> the protocol's reply
 * @param <K> the protocol's components
 */
public final class ClientActionBuilder<C extends Client, R extends Reply, K extends ConnectionComponents<C>>
        implements ActionBuilder {

    private final String name;
    private final ClientStep<C, R, K> step;
    private final ReplyChecks<R> checks;
    private final Function<List<CheckBuilder>, ReplyChecks<R>> checksOf;
    private final ProtocolKey<? extends Protocol, K> key;
    private final Consumer<K> requirement;

    /**
     * @param checksOf the protocol's checks of a request's DSL ({@link ReplyChecks#of})
     * @param key the key of the protocol whose components run the step
     * @param requirement throws when the simulation's protocol cannot run the step, e.g. without credentials
     */
    public ClientActionBuilder(String name, ClientStep<C, R, K> step, Function<List<CheckBuilder>, ReplyChecks<R>> checksOf,
            ProtocolKey<? extends Protocol, K> key, Consumer<K> requirement) {
        this(name, step, ReplyChecks.none(), checksOf, key, requirement);
    }

    private ClientActionBuilder(String name, ClientStep<C, R, K> step, ReplyChecks<R> checks,
            Function<List<CheckBuilder>, ReplyChecks<R>> checksOf, ProtocolKey<? extends Protocol, K> key,
            Consumer<K> requirement) {
        this.name = name;
        this.step = step;
        this.checks = checks;
        this.checksOf = checksOf;
        this.key = key;
        this.requirement = requirement;
    }

    /** Checks on the step's reply; without a status check, the reply must be a success. */
    public ClientActionBuilder<C, R, K> check(CheckBuilder... more) {
        return new ClientActionBuilder<>(name, step, checks.and(checksOf.apply(List.of(more))), checksOf, key,
                requirement);
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return (context, next) -> {
            K components = context.protocolComponentsRegistry().components(key);
            requirement.accept(components);
            return new ClientStepAction<>(name, step, checks, components, next);
        };
    }
}
