package dev.postillion.mta;

import java.util.List;
import java.util.function.Predicate;

/**
 * What the queue log ({@code postillion.queue}) says while it is open: its lines are kept here,
 * at INFO, instead of going to the console, and the logger is as before once closed.
 */
final class QueueLog extends CapturedLog {

    QueueLog() {
        super("postillion.queue");
    }

    /** The lines about one message, in order: those that start with its queue id. */
    List<String> lines(String id) {
        return lines().stream().filter(line -> line.startsWith(id + ": ")).toList();
    }

    /** Waits for a line about the message that passes {@code wanted}. */
    String awaitLine(String id, Predicate<String> wanted) {
        return awaitLine(line -> line.startsWith(id + ": ") && wanted.test(line));
    }
}
