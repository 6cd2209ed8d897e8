package dev.postillion.mta;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * What one logger says while this is open: its lines are kept here, at INFO, instead of going to
 * the console, and the logger is as before once closed.
 */
class CapturedLog implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level level;
    private final boolean additive;

    CapturedLog(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        level = logger.getLevel();
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** Every line so far, in order. */
    List<String> lines() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) { // the appender adds under this lock
            return List.copyOf(appender.list);
        }
    }

    /** The fields of the first line reading {@code line} (the JSON log format's kvpList), by name. */
    Map<String, String> fields(String line) {
        ILoggingEvent event = events().stream().filter(e -> e.getFormattedMessage().equals(line)).findFirst().orElseThrow();
        Map<String, String> fields = new LinkedHashMap<>();
        Optional.ofNullable(event.getKeyValuePairs()).orElse(List.of())
                .forEach(pair -> fields.put(pair.key, String.valueOf(pair.value)));
        return fields;
    }

    /** Waits for a line that passes {@code wanted}. */
    String awaitLine(Predicate<String> wanted) {
        return await("a line of " + logger.getName()).atMost(DEADLINE)
                .until(() -> lines().stream().filter(wanted).findFirst(), Optional::isPresent).orElseThrow();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
        appender.stop();
    }
}
