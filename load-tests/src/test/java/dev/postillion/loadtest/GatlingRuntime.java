package dev.postillion.loadtest;

import io.gatling.commons.stats.Status;
import io.gatling.commons.util.DefaultClock;
import io.gatling.core.CoreComponents;
import io.gatling.core.action.Action;
import io.gatling.core.config.GatlingConfiguration$;
import io.gatling.core.controller.Controller;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.Protocol$;
import io.gatling.core.protocol.ProtocolComponentsRegistries;
import io.gatling.core.protocol.ProtocolComponentsRegistry;
import io.gatling.core.session.GroupBlock;
import io.gatling.core.session.Session;
import io.gatling.core.session.Session$;
import io.gatling.core.stats.StatsEngine;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.ProtocolBuilder;
import io.gatling.netty.util.Transports;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Gatling's engine reduced to what an action needs: an event loop for the virtual user, the
 * protocol's components, and a stats engine that remembers every request reported. Runs the
 * actions of the DSL as one user would, so tests see what a report would show.
 */
public final class GatlingRuntime implements AutoCloseable {

    /** A request as the report would count it. */
    public record Request(String name, String status, String code, String message, long start, long end) {
        public long responseTime() {
            return end - start;
        }

        public boolean ok() {
            return status.equals("OK");
        }
    }

    private final EventLoopGroup loops;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> crashes = new CopyOnWriteArrayList<>();
    private final ProtocolComponentsRegistry registry;
    private final ScenarioContext context;
    private final AtomicLong users = new AtomicLong();

    public GatlingRuntime(ProtocolBuilder... protocolBuilders) {
        var configuration = GatlingConfiguration$.MODULE$.loadForTest(
                CollectionConverters.asScala(List.<Tuple2<String, ?>>of()).toSeq());
        // as Gatling makes its loops: native transport where the configuration asks for it
        loops = Transports.newEventLoopGroup(configuration.netty().useNativeTransport(),
                configuration.netty().useIoUring(), 1, "virtual-user");
        var core = new CoreComponents(null, loops, null, Option.empty(), new RecordingStats(), new DefaultClock(), null,
                configuration);
        List<Protocol> settings = Stream.of(protocolBuilders).map(ProtocolBuilder::protocol).toList();
        var protocols = Protocol$.MODULE$.indexByType(CollectionConverters.asScala(settings));
        registry = new ProtocolComponentsRegistries(core, protocols).scenarioRegistry(Map$.MODULE$.empty());
        context = new ScenarioContext(core, registry, null, false);
    }

    /** A new virtual user runs the actions in order; returns its session after the last. */
    public Session run(ActionBuilder... actions) {
        return run(Session$.MODULE$.apply("user", users.incrementAndGet(), loops.next()), actions);
    }

    /** The user of {@code session} goes on with more actions. */
    public Session run(Session session, ActionBuilder... actions) {
        CompletableFuture<Session> done = new CompletableFuture<>();
        Action next = new Step("end", done::complete);
        for (int i = actions.length - 1; i >= 0; i--) {
            next = actions[i].asScala().build(context, next);
        }
        next.$bang(session);
        try {
            return done.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the virtual user did not finish its actions", e);
        }
    }

    /** An action that sets a session attribute, as a feeder would. */
    public static ActionBuilder set(String attribute, Object value) {
        return () -> (context, next) -> new Step("set " + attribute, session -> next.$bang(session.set(attribute, value)));
    }

    /** The user leaves the scenario: the protocol's exit hook runs, as at the end of a scenario. */
    public void exit(Session session) {
        session.eventLoop().execute(() -> registry.onExit().apply(session));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Each request as the report counts it: "name OK", or "name KO" and its message. */
    public List<String> reported() {
        return requests.stream()
                .map(request -> request.name() + " " + request.status() + (request.ok() ? "" : " " + request.message()))
                .toList();
    }

    public List<String> crashes() {
        return List.copyOf(crashes);
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** An action of the test's own: a hook on the session. */
    private static final class Step implements Action {
        private final String name;
        private final Consumer<Session> run;

        Step(String name, Consumer<Session> run) {
            this.name = name;
            this.run = run;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void execute(Session session) {
            run.accept(session);
        }

        @Override
        public com.typesafe.scalalogging.Logger logger() {
            return com.typesafe.scalalogging.Logger.apply(LoggerFactory.getLogger(Step.class));
        }

        @Override
        public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(com.typesafe.scalalogging.Logger logger) {
            // logger() makes one
        }
    }

    private final class RecordingStats implements StatsEngine {
        @Override
        public void logResponse(String scenario, scala.collection.immutable.List<String> groups, String name, long start,
                long end, Status status, Option<String> code, Option<String> message) {
            requests.add(new Request(name, status.name(), code.getOrElse(() -> null), message.getOrElse(() -> null),
                    start, end));
        }

        @Override
        public void logRequestCrash(String scenario, scala.collection.immutable.List<String> groups, String name,
                String error) {
            crashes.add(name + ": " + error);
        }

        @Override
        public void start() {}

        @Override
        public void stop(io.gatling.core.actor.ActorRef<Controller.Command> controller, Option<Exception> exception) {}

        @Override
        public void logUserStart(String scenario) {}

        @Override
        public void logUserEnd(String scenario) {}

        @Override
        public void logGroupEnd(String scenario, GroupBlock block, long exitTimestamp) {}
    }
}
