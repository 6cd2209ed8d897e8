package dev.postillion.mta.net;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * One Pekko dispatcher per Netty event loop, so that a session (SMTP, IMAP, POP3) runs on the very thread
 * that does its connection's I/O. A frame then reaches the session, and the session's reply reaches
 * the socket, without waking another thread: on a busy node that removes two thread hand-offs
 * from every command. Sessions still never block (ARCHITECTURE rule 1 holds for them too).
 */
public final class EventLoopDispatchers {

    /** Where the dispatchers' configurator finds its event loop; keyed per node, so tests can run several. */
    private static final Map<String, EventLoop> LOOPS = new ConcurrentHashMap<>();
    private static final String CONFIG_ROOT = "postillion-event-loop-dispatchers";

    private final String nodeKey = UUID.randomUUID().toString();
    private final Map<EventLoop, DispatcherSelector> selectors = new HashMap<>();
    private final Config config;

    public EventLoopDispatchers(EventLoopGroup group) {
        Map<String, Object> settings = new HashMap<>();
        int index = 0;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            String name = "loop-" + index++;
            String loopKey = nodeKey + "/" + name;
            LOOPS.put(loopKey, loop);
            selectors.put(loop, DispatcherSelector.fromConfig(CONFIG_ROOT + "." + name));
            settings.put(CONFIG_ROOT + "." + name + ".type", "Dispatcher");
            settings.put(CONFIG_ROOT + "." + name + ".executor", Configurator.class.getName());
            settings.put(CONFIG_ROOT + "." + name + ".event-loop", loopKey);
            settings.put(CONFIG_ROOT + "." + name + ".throughput", 64);
        }
        this.config = ConfigFactory.parseMap(settings);
    }

    /** The dispatcher definitions, to be part of the actor system's configuration. */
    public Config config() {
        return config;
    }

    public DispatcherSelector forLoop(EventLoop loop) {
        return selectors.get(loop);
    }

    /** Forgets this node's loops once its actor system is gone. */
    public void release() {
        LOOPS.keySet().removeIf(key -> key.startsWith(nodeKey + "/"));
    }

    /** Named in the dispatcher configuration as its {@code executor}; Pekko instantiates it. */
    public static final class Configurator extends ExecutorServiceConfigurator {
        private final String loopKey;

        public Configurator(Config config, DispatcherPrerequisites prerequisites) {
            super(config, prerequisites);
            this.loopKey = config.getString("event-loop");
        }

        @Override
        public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
            EventLoop loop = LOOPS.get(loopKey);
            if (loop == null) {
                throw new IllegalStateException("no event loop registered as " + loopKey);
            }
            return () -> new LoopExecutor(loop);
        }
    }

    /**
     * The event loop seen as the dispatcher's executor. Pekko shuts a dispatcher's executor down
     * when it has been idle a while; that must not stop the event loop, which Netty owns.
     */
    private static final class LoopExecutor extends AbstractExecutorService {
        private final EventLoop loop;
        private volatile boolean shutdown;

        LoopExecutor(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void execute(Runnable task) {
            loop.execute(task);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
