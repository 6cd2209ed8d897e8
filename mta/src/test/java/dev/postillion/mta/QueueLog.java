package dev.postillion.mta;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * What the queue log ({@code postillion.queue}) says while it is open: its lines are kept here,
 * at INFO, instead of going to the console, and the logger is as before once closed.
 */
final class QueueLog implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final Logger logger = (Logger) LoggerFactory.getLogger("postillion.queue");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level level;
    private final boolean additive;

    QueueLog() {
        level = logger.getLevel();
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** The lines about one message, in order: those that start with its queue id. */
    List<String> lines(String id) {
        List<ILoggingEvent> events;
        synchronized (appender) { // the appender adds under this lock
            events = List.copyOf(appender.list);
        }
        return events.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith(id + ": "))
                .toList();
    }

    /** Waits for a line about the message that passes {@code wanted}. */
    String awaitLine(String id, Predicate<String> wanted) {
        return await("a queue log line about " + id).atMost(DEADLINE)
                .until(() -> lines(id).stream().filter(wanted).findFirst(), Optional::isPresent).orElseThrow();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
        appender.stop();
    }
}
